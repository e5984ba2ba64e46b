/* persist.h — the whole session in one file, and back. A saved session
 * holds the data (its rows as they stand), the split and the
 * standardization, the model and its parameters and gradients, the
 * optimizer with its state, every setting, the generator's state, where
 * the loop stands and the trace, so training after a load gives the same
 * numbers, bit for bit, as training on without stopping. The undo history
 * is not kept.
 *
 * The format (README, "The save-file format"): little-endian throughout.
 *   magic "PLABSAVE" (8 bytes), u32 version, u32 number of sections,
 *   u64 length of the whole file;
 *   sections, each a 4-byte tag ("SETS", "DATA", "MODL", "OPTS", "LOOP",
 *   "TRCE"), a u64 length and that many bytes;
 *   u64 FNV-1a 64 checksum of every byte before it.
 * Integers are i64 unless said otherwise, doubles their IEEE-754 bits,
 * strings a u32 length and their bytes. A reader skips sections it does
 * not know, so later versions may add some without a new version. */
#ifndef PARAMLAB_PERSIST_H
#define PARAMLAB_PERSIST_H

#include "session.h"

#define PERSIST_MAGIC "PLABSAVE"
/* 2: a cnn (section CONV, which began with the image shape); 3: section
 * CONV without it (the image shape is the data's, at the end of DATA).
 * Files without a cnn are written as 1; every version still loads. */
#define PERSIST_VERSION 3u

/* Writes s to path atomically (a temporary file beside it, synced, then
 * renamed): 0, or an ErrCode with err and any earlier file as it was. */
int persist_save(const Session *s, const char *path, char *err);
/* The bytes persist_save would write, into *p (owned by the caller, *n of
 * them): 0, or ERR_NOMEM with err. */
int persist_bytes(const Session *s, unsigned char **p, size_t *n, char *err);
/* Reads a session from path into a new one (*out, the caller owns it).
 * Everything is read and checked before *out is made: a truncated,
 * corrupt, foreign or newer file is refused with err saying which, *out
 * NULL and nothing else touched. The hooks (interrupt, on_update) are the
 * caller's to set. */
int persist_load(const char *path, Session **out, char *err);

#endif
