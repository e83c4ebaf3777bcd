module example.com/recorder

go 1.19
