// zlib, for the journal's gzip segments (Debian: zlib1g-dev).
#include <zlib.h>
