#include "termtext.h"

size_t lb_term_text(FILE *f, const char *s, size_t len, size_t max_lines)
{
    size_t lines = 0, i = 0;
    for (; i < len && lines < max_lines; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\n') {
            lines++;
            fputc('\n', f);
        } else if (ch == '\t' || (ch >= 0x20 && ch != 0x7f)) {
            fputc(ch, f);
        } else {
            fprintf(f, "\\x%02x", ch);
        }
    }
    if (len && s[i - 1] != '\n')
        fputc('\n', f);
    size_t left = 0;
    for (; i < len; i++)
        left += s[i] == '\n';
    if (i > 0 && s[len - 1] != '\n' && lines >= max_lines)
        left++;
    if (left)
        fprintf(f, "[... %zu more line%s]\n", left, left == 1 ? "" : "s");
    return left;
}
