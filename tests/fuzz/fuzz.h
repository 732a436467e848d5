/* The one entry point every fuzz target defines, declared for
 * -Wmissing-prototypes and for the replay driver. */
#ifndef LB_FUZZ_H
#define LB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
