/*
 * fuzzutil.h - what the libFuzzer harnesses in tests/fuzz share.
 *
 * A harness checks invariants with CHECK: a failure prints what was wrong
 * and aborts, so that libFuzzer saves the input as a crash artefact and
 * the run fails.  Messages go to fuzz_report_fd, which the argv harnesses
 * point at the real stderr (theirs is captured while a command runs).
 */
#ifndef FUZZUTIL_H
#define FUZZUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static int fuzz_report_fd = 2;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			dprintf(fuzz_report_fd,				\
				"\ninvariant failed at %s:%d: %s\n  ",	\
				__FILE__, __LINE__, #cond);		\
			dprintf(fuzz_report_fd, __VA_ARGS__);		\
			dprintf(fuzz_report_fd, "\n");			\
			abort();					\
		}							\
	} while (0)

/* A NUL-terminated copy of DATA (malloc'd; at a NUL the C string ends). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	for (size_t i = 0; i < size; i++)
		s[i] = (char)data[i];
	s[size] = '\0';
	return s;
}

/*
 * Split DATA at NUL bytes into at most MAX words, copied into one fresh
 * buffer (*store, caller frees).  WORDS[0..n) point into it; WORDS[n] is
 * NULL.  An input ending in NUL ends with an empty word.  Returns n.
 */
static inline int fuzz_split(const uint8_t *data, size_t size, char **words,
		      int max, char **store)
{
	char *s = fuzz_strndup(data, size);
	int n = 0;
	size_t i, start = 0;

	for (i = 0; i <= size && n < max; i++) {
		if (i == size || s[i] == '\0') {
			s[i] = '\0';
			words[n++] = s + start;
			start = i + 1;
		}
	}
	words[n] = NULL;
	*store = s;
	return n;
}

#endif
