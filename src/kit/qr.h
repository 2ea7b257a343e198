/*
 * qr.h — QR codes as inline SVG, for the printed sheets (libqrencode).
 *
 * Error correction level M (15 % of the symbol can be damaged: folded,
 * stained paper), a quiet zone of 4 modules on every side as the standard
 * asks, black on white. The SVG holds only geometry — one white square and
 * one black path — never the encoded text, so it is safe to emit with
 * {{raw …}} whatever the text holds.
 */
#ifndef REPERE_QR_H
#define REPERE_QR_H

#include "core/util.h"

enum {
    QR_QUIET_ZONE = 4,  /* modules of white around the symbol (ISO/IEC 18004) */
    QR_MAX_TEXT = 1024, /* bytes encoded at most; a live-page URL is far shorter */
};

/*
 * Append to out the SVG of a QR code encoding `text` (8-bit, case kept).
 * The viewBox is in modules: width + 2 × QR_QUIET_ZONE on each side; the
 * size on paper is set by CSS through `css_class` (may be NULL). Returns
 * the symbol width in modules (21 for version 1, + 4 per version), or 0
 * when the text is empty, too long or cannot be encoded (nothing written).
 */
int qr_svg(buf *out, const char *text, const char *css_class);

#endif
