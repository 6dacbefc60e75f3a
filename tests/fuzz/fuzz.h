/*
 * What every libFuzzer target here shares: its entry point and the check
 * of a property, which names the broken one and aborts (libFuzzer keeps
 * the input as a crash).
 */

#ifndef TM_FUZZ_H
#define TM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>


#define fz_check(cond)                                                       \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "fuzz: %s:%d: property broken: %s\n",             \
                    __FILE__, __LINE__, #cond);                               \
            abort();                                                          \
        }                                                                     \
    } while (0)


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* TM_FUZZ_H */
