#ifndef K8SVM_CARCHIVE_SHIM_H
#define K8SVM_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>
#endif
