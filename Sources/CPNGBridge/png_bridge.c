/* The only C in Retouch: libpng signals errors with longjmp, so the setjmp that catches
   them has to live in a C frame. Everything else (limits, metadata, colour) is Swift. */
#include "png_bridge.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    int ran_out;
    char *message;
    size_t message_size;
} read_state;

typedef struct {
    uint8_t *bytes;
    size_t size;
    size_t capacity;
    int failed;
    char *message;
    size_t message_size;
} write_state;

static void keep_message(char *dst, size_t dst_size, const char *text) {
    if (dst == NULL || dst_size == 0) return;
    strncpy(dst, text, dst_size - 1);
    dst[dst_size - 1] = '\0';
}

static void on_read_error(png_structp png, png_const_charp text) {
    read_state *state = (read_state *)png_get_error_ptr(png);
    keep_message(state->message, state->message_size, text);
    png_longjmp(png, 1);
}

static void on_write_error(png_structp png, png_const_charp text) {
    write_state *state = (write_state *)png_get_error_ptr(png);
    keep_message(state->message, state->message_size, text);
    png_longjmp(png, 1);
}

/* Warnings are about recoverable oddities; printing them would only clutter stderr. */
static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void read_from_memory(png_structp png, png_bytep out, png_size_t count) {
    read_state *state = (read_state *)png_get_io_ptr(png);
    if (count > state->size - state->offset) {
        state->ran_out = 1;
        png_error(png, "the file ends before the image data does");
    }
    memcpy(out, state->data + state->offset, count);
    state->offset += count;
}

/* Chunks the Swift side parses itself (iCCP, eXIf) or never needs (text): skipping them
   here means a huge or hostile one costs libpng no memory. */
static const png_byte skipped_chunks[] = "iCCP\0eXIf\0tEXt\0zTXt\0iTXt\0sPLT\0";

int rpng_decode(const uint8_t *data, size_t size, void *pixels, uint32_t width, uint32_t height,
                int channels, int depth, char *message, size_t message_size) {
    read_state state = {data, size, 0, 0, message, message_size};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, on_read_error, on_warning);
    if (png == NULL) return RPNG_NO_MEMORY;
    png_infop info = png_create_info_struct(png);
    png_bytep *volatile rows = NULL;
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        return RPNG_NO_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return state.ran_out ? RPNG_TRUNCATED : RPNG_CORRUPT;
    }
    png_set_read_fn(png, &state, read_from_memory);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, skipped_chunks, 6);
    png_read_info(png, info);
    png_set_expand(png);
    if (png_get_bit_depth(png, info) == 16) {
        const uint16_t probe = 1;
        if (*(const uint8_t *)&probe == 1) png_set_swap(png);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    size_t row_bytes = (size_t)width * (size_t)channels * (size_t)(depth / 8);
    if (png_get_image_width(png, info) != width || png_get_image_height(png, info) != height ||
        png_get_channels(png, info) != channels || png_get_bit_depth(png, info) != depth ||
        png_get_rowbytes(png, info) != row_bytes) {
        keep_message(message, message_size, "libpng would produce a different pixel layout");
        png_destroy_read_struct(&png, &info, NULL);
        return RPNG_LAYOUT;
    }
    rows = malloc(sizeof(png_bytep) * (height == 0 ? 1 : height));
    if (rows == NULL) {
        png_destroy_read_struct(&png, &info, NULL);
        return RPNG_NO_MEMORY;
    }
    for (uint32_t y = 0; y < height; y++) rows[y] = (png_bytep)pixels + (size_t)y * row_bytes;
    png_read_image(png, rows);
    free(rows);
    rows = NULL;
    png_destroy_read_struct(&png, &info, NULL);
    return RPNG_OK;
}

static void write_to_memory(png_structp png, png_bytep chunk, png_size_t count) {
    write_state *state = (write_state *)png_get_io_ptr(png);
    if (count > state->capacity - state->size) {
        size_t wanted = state->capacity < 65536 ? 65536 : state->capacity;
        while (wanted - state->size < count) wanted *= 2;
        uint8_t *grown = realloc(state->bytes, wanted);
        if (grown == NULL) {
            state->failed = 1;
            png_error(png, "out of memory while encoding");
        }
        state->bytes = grown;
        state->capacity = wanted;
    }
    memcpy(state->bytes + state->size, chunk, count);
    state->size += count;
}

static void flush_nothing(png_structp png) { (void)png; }

int rpng_encode(const void *pixels, uint32_t width, uint32_t height, int channels, int depth,
                int compression_level, uint8_t **out, size_t *out_size,
                char *message, size_t message_size) {
    static const int colour_types[] = {PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                       PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    write_state state = {NULL, 0, 0, 0, message, message_size};
    *out = NULL;
    *out_size = 0;
    if (channels < 1 || channels > 4 || (depth != 8 && depth != 16)) {
        keep_message(message, message_size, "unsupported channel count or depth");
        return RPNG_LAYOUT;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, on_write_error, on_warning);
    if (png == NULL) return RPNG_NO_MEMORY;
    png_infop info = png_create_info_struct(png);
    png_bytep *volatile rows = NULL;
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        return RPNG_NO_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        free(state.bytes);
        png_destroy_write_struct(&png, &info);
        return state.failed ? RPNG_NO_MEMORY : RPNG_CORRUPT;
    }
    png_set_write_fn(png, &state, write_to_memory, flush_nothing);
    png_set_compression_level(png, compression_level);
    png_set_IHDR(png, info, width, height, depth, colour_types[channels - 1], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    if (depth == 16) {
        const uint16_t probe = 1;
        if (*(const uint8_t *)&probe == 1) png_set_swap(png);
    }
    size_t row_bytes = (size_t)width * (size_t)channels * (size_t)(depth / 8);
    rows = malloc(sizeof(png_bytep) * (height == 0 ? 1 : height));
    if (rows == NULL) png_error(png, "out of memory while encoding");
    for (uint32_t y = 0; y < height; y++) rows[y] = (png_bytep)pixels + (size_t)y * row_bytes;
    png_write_image(png, rows);
    png_write_end(png, NULL);
    free(rows);
    rows = NULL;
    png_destroy_write_struct(&png, &info);
    *out = state.bytes;
    *out_size = state.size;
    return RPNG_OK;
}

void rpng_free(void *buffer) { free(buffer); }
