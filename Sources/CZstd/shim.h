// zstd, for the journal's segments (Debian: libzstd-dev).
#include <zstd.h>
