// A chaincode stand-in for image build tests: it prints how it was started and exits.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Printf("hello from chaincode: args %v, uid %d, CORE_PEER_ADDRESS %s\n", os.Args[1:], os.Getuid(), os.Getenv("CORE_PEER_ADDRESS"))
}
