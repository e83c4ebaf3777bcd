/*
 * Release builds link libarchive statically. Its pax writer reports an entry of an unsupported file type through one
 * helper, and that helper lives in the object file that also registers every other write format (7-Zip, XAR, ZIP,
 * ISO 9660, ...). Pulling that object in drags in libxml2, nettle, liblzma, libzstd, libbz2 and friends, which every
 * `detect` would then load. Defining the helper here keeps that object, and those libraries, out of the binary.
 * K8sVM only writes regular files, directories and symbolic links, so the helper is never reached in practice.
 */
#ifdef K8SVM_STATIC_LIBARCHIVE
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>

void __archive_write_entry_filetype_unsupported(struct archive *archive, struct archive_entry *entry,
                                                const char *format) {
    archive_set_error(archive, EINVAL, "%s: a %s archive cannot hold this kind of file",
                      archive_entry_pathname(entry), format);
}
#endif
