/* fuzz.h — what the fuzz harnesses share. Each harness NAME.c defines
 * LLVMFuzzerTestOneInput; it is built twice: with libFuzzer
 * (`make fuzz`, clang -fsanitize=fuzzer,address,undefined) and with
 * replay.c's main (`make test`), which feeds it every file committed under
 * tests/fuzz/corpus/NAME/ (seeds and every input a run ever found). */
#ifndef PARAMLAB_FUZZ_H
#define PARAMLAB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
