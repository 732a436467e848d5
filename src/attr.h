/* attr: parsing a fence's info string, Pandoc/Quarto style.
 *
 *     c {#shm-demo timeout=5 libs="pthread" .wide}
 *
 * A language word, then optionally one {...} group holding #name, .class and
 * key=value / key="quoted \" value" items. This module knows only syntax;
 * which keys an engine accepts is opts.h's business.
 *
 * Values: bare (up to whitespace or '}'), "double-quoted" (only \" and \\
 * are escapes; any other backslash is kept, for opts.c to read, e.g. \n in
 * stdin) or 'single-quoted' (literal). Columns count bytes, like the fence
 * line offsets the caller adds them to. */
#ifndef LB_ATTR_H
#define LB_ATTR_H

#include <stddef.h>

typedef struct {
    char *key;
    char *value; /* unquoted, escapes resolved */
    int col;     /* 1-based column of the key within the info string */
} lb_attr_kv;

typedef struct {
    char *lang; /* "" when the info string is empty */
    char *name; /* NULL when there is no #name */
    int name_col;
    char **classes;
    size_t nclasses;
    lb_attr_kv *kvs;
    size_t nkvs;
} lb_info;

typedef struct {
    int col; /* 1-based column within the info string where the problem is */
    char msg[512];
} lb_attr_error;

/* Parses info into *out (which the caller frees with lb_info_free, on success
 * and on failure alike). Returns 0, or -1 with *err filled. Errors: a group
 * that is not closed, text after the group, a bad name (allowed: letters,
 * digits, '-', '_'), a second #name, an unterminated quote, a key without
 * '=', an empty key, a duplicate key. */
int lb_info_parse(const char *info, lb_info *out, lb_attr_error *err);
void lb_info_free(lb_info *info);
/* The value of key, or NULL. Owned by info. */
const char *lb_info_get(const lb_info *info, const char *key);
const lb_attr_kv *lb_info_find(const lb_info *info, const char *key);

#endif
