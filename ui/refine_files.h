// The files a refining request reads (its input image and mask), kept beside the gallery so that
// a gallery image can be made again: GALLERY/inputs/NAME-HASH.EXT, named by the first digits of
// the content's SHA-256 (the hash the image's record carries), so a file is kept once however
// often it is used, and the record's name ("Init image: cat-1a2b3c4d5e") finds it again.
#pragma once
#include "core/request/parameters.h"

#include <QImage>
#include <QString>
#include <QStringList>

namespace lightning::ui {

// An input image or mask file as the engine reads it (core/image/image_pixels.h: any format
// OpenImageIO reads, as 8-bit RGB). Throws lightning::Error naming the file.
QImage read_refine_image(const QString& file);

// GALLERY/inputs (not created here). The gallery reads only the PNGs directly in its folder.
QString refine_files_dir(const QString& gallery_folder);

// The kept copy of `file` (copied there first unless a copy is there already). A file already in
// refine_files_dir() is its own copy. Throws lightning::Error naming the file (unreadable, the
// folder cannot be written).
QString keep_refine_file(const QString& file, const QString& gallery_folder);

// Writes `mask` as an 8-bit gray PNG "mask-HASH.png" in refine_files_dir() (the hash of the
// PNG's bytes, as the record hashes files) and returns its path. Throws lightning::Error.
QString save_mask_png(const QImage& mask, const QString& gallery_folder);

// The kept file a record names: refine_files_dir()/NAME.* whose content has the recorded hash
// (any, when the record has none). "" when there is none.
QString find_refine_file(const lightning::FileIdentity& id, const QString& gallery_folder);

// `record`'s request with its input image and mask (recorded by name) as the kept files they
// name; `missing` lists the names not found (their request fields stay as recorded).
struct ResolvedRequest {
    lightning::GenerationRequest request;
    QStringList missing;
};
ResolvedRequest resolve_refine_files(const lightning::ImageRecord& record,
                                     const QString& gallery_folder);

}  // namespace lightning::ui
