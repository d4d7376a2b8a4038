#ifndef RETOUCH_PNG_BRIDGE_H
#define RETOUCH_PNG_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

/* Outcome of a bridge call; the message buffer says more. */
enum {
    RPNG_OK = 0,
    RPNG_TRUNCATED = 1, /* the data ended before the image did */
    RPNG_CORRUPT = 2,   /* libpng rejected the data */
    RPNG_LAYOUT = 3,    /* the rows libpng would produce differ from what the caller sized */
    RPNG_NO_MEMORY = 4
};

/* Decodes a whole PNG into `pixels`: packed rows, 8-bit samples or host-endian 16-bit ones.
   Palettes and low-bit gray are expanded to 8 bits and tRNS to an alpha channel; nothing
   else is transformed (no gamma). Text, iCCP and eXIf chunks are skipped unread: the caller
   parses what it needs itself. `channels` and `depth` are what the caller derived from IHDR. */
int rpng_decode(const uint8_t *data, size_t size, void *pixels, uint32_t width, uint32_t height,
                int channels, int depth, char *message, size_t message_size);

/* Encodes packed rows (16-bit samples host-endian) as a non-interlaced PNG. On success
   `*out` holds `*out_size` bytes allocated with malloc; release them with rpng_free. */
int rpng_encode(const void *pixels, uint32_t width, uint32_t height, int channels, int depth,
                int compression_level, uint8_t **out, size_t *out_size,
                char *message, size_t message_size);

void rpng_free(void *buffer);

#endif
