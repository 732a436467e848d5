/* Fuzz target: the info-string parser and the option checker, for every
 * engine. The input is the info string (a NUL ends it early, as it would
 * in cmark's copy). */
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "buf.h"
#include "fuzz.h"
#include "engines.h"
#include "opts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *info = lb_xstrndup((const char *)data, size);
    lb_info parsed;
    lb_attr_error err = {0, ""};
    if (lb_info_parse(info, &parsed, &err) == 0) {
        /* Every engine of the registry, none, and the one it names. */
        size_t n = lb_engine_count();
        for (size_t i = 0; i < n + 2; i++) {
            lb_engine e = i < n ? lb_engine_at(i) : i == n ? NULL : lb_engine_for_lang(parsed.lang);
            lb_opts o;
            lb_attr_error oe = {0, ""};
            lb_opts_from_info(&parsed, e, &o, &oe);
            /* Messages must be terminated and columns inside the string. */
            if (strlen(oe.msg) >= sizeof oe.msg || oe.col < 0 || (size_t)oe.col > size + 1)
                abort();
            lb_opts_free(&o);
        }
    } else if (strlen(err.msg) >= sizeof err.msg || err.col < 0 || (size_t)err.col > size + 1) {
        abort();
    }
    lb_info_free(&parsed);
    free(info);
    return 0;
}
