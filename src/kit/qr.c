/*
 * qr.c — QR codes as inline SVG; see qr.h.
 */
#include "kit/qr.h"

#include <qrencode.h>
#include <string.h>

int qr_svg(buf *out, const char *text, const char *css_class)
{
    if (!text || !*text || strlen(text) > QR_MAX_TEXT) return 0;
    /* version 0: the smallest that fits; case-sensitive so URLs keep their case */
    QRcode *code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!code) return 0;
    int w = code->width;
    int size = w + 2 * QR_QUIET_ZONE;
    buf_printf(out,
               "<svg xmlns=\"http://www.w3.org/2000/svg\"%s%s%s viewBox=\"0 0 %d %d\" "
               "shape-rendering=\"crispEdges\" aria-hidden=\"true\" focusable=\"false\">"
               "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
               css_class ? " class=\"" : "", css_class ? css_class : "", css_class ? "\"" : "",
               size, size, size, size);
    /* One rectangle per horizontal run of dark modules. */
    for (int y = 0; y < w; y++) {
        const unsigned char *row = code->data + (size_t)y * (size_t)w;
        int x = 0;
        while (x < w) {
            if (!(row[x] & 1)) {
                x++;
                continue;
            }
            int start = x;
            while (x < w && (row[x] & 1))
                x++;
            buf_printf(out, "M%d %dh%dv1h-%dz", start + QR_QUIET_ZONE, y + QR_QUIET_ZONE, x - start,
                       x - start);
        }
    }
    buf_puts(out, "\"/></svg>");
    QRcode_free(code);
    return w;
}
