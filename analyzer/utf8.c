/* UTF-8 decoding (see utf8.h). */
#include "utf8.h"

#include <string.h>

#include "xalloc.h"

uint32_t cl_utf8_next(const char *str, size_t len, size_t *i)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char b = s[(*i)++];
    if (b < 0x80)
        return b;
    unsigned char lo = 0x80, hi = 0xBF;
    int need;
    uint32_t cp;
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
        cp = b & 0x1Fu;
    } else if (b >= 0xE0 && b <= 0xEF) {
        if (b == 0xE0)
            lo = 0xA0;
        if (b == 0xED)
            hi = 0x9F; /* no UTF-16 surrogates */
        need = 2;
        cp = b & 0x0Fu;
    } else if (b >= 0xF0 && b <= 0xF4) {
        if (b == 0xF0)
            lo = 0x90;
        if (b == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
        need = 3;
        cp = b & 0x07u;
    } else {
        return 0xFFFD;
    }
    while (need-- > 0) {
        /* The offending byte is not consumed: it starts the next character. */
        if (*i >= len || s[*i] < lo || s[*i] > hi)
            return 0xFFFD;
        cp = (cp << 6) | (s[(*i)++] & 0x3Fu);
        lo = 0x80;
        hi = 0xBF;
    }
    return cp;
}

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

char *cl_utf8_sanitize(const char *s)
{
    size_t len = strlen(s);
    /* U+FFFD takes 3 bytes and replaces at least one. */
    char *out = cl_xmalloc(3 * len + 1);
    size_t o = 0;
    for (size_t i = 0; i < len;)
        o += put_utf8(out + o, cl_utf8_next(s, len, &i));
    out[o] = '\0';
    return out;
}
