#ifndef K8SVM_ARCHIVE_TRIM_H
#define K8SVM_ARCHIVE_TRIM_H
/* Nothing to call: this target only keeps libarchive's other formats out of the statically linked k8svm. */
#endif
