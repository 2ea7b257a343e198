/*
 * sun.c — sunrise, sunset, dawn and dusk at a position (see sun.h).
 *
 * Days are counted from J2000.0 (2000-01-01 12:00), as in Meeus. The
 * Sun's position series run on Terrestrial Time, sidereal time on Universal
 * Time; ΔT links the two. Rising and setting: find the solar transit by
 * driving the local hour angle to zero, start from the hour angle at which
 * the Sun would reach the altitude with the transit's declination, then
 * correct for the Sun's motion (Meeus 15.2). The iteration counts, the
 * constants and the choice of the solar day are those of suncalc 2.x, so
 * that our times agree with opening_hours.js to the minute.
 */
#include "hours/sun.h"

#include <math.h>
#include <string.h>

static const double DEG = M_PI / 180.0;
static const double MS_PER_DAY = 86400000.0;
/* Julian dates of 1970-01-01 00:00 minus a half day, and of J2000.0. */
static const double JULIAN_1970 = 2440588.0;
static const double JULIAN_2000 = 2451545.0;
/* Meeus' small correction between mean solar noon and the transit. */
static const double TRANSIT_CORRECTION = 0.0009;

/* Altitude of the Sun's centre at each event, degrees (refraction and the
   Sun's radius included in -0.833; civil twilight at -6). */
static const double event_altitude[SUN_EVENT_COUNT] = {-6.0, -0.833, -0.833, -6.0};
static const char *const event_words[SUN_EVENT_COUNT] = {"dawn", "sunrise", "sunset", "dusk"};
/* opening_hours.js's times when it has no position. */
static const int event_defaults[SUN_EVENT_COUNT] = {5 * 60 + 30, 6 * 60, 18 * 60, 18 * 60 + 30};

int sun_event_from_word(const char *word)
{
    for (int i = 0; i < SUN_EVENT_COUNT; i++)
        if (strcmp(word, event_words[i]) == 0) return i;
    return -1;
}

const char *sun_event_word(sun_event event)
{
    return event_words[event];
}

int sun_event_default_minute(sun_event event)
{
    return event_defaults[event];
}

/* JavaScript's Math.round: the nearest integer, halves upwards. */
static double round_half_up(double x)
{
    return floor(x + 0.5);
}

/* An angle brought into [-π, π]. */
static double wrap_angle(double a)
{
    return a - 2 * M_PI * round_half_up(a / (2 * M_PI));
}

/* ΔT = TT - UT in seconds for day d (Espenak & Meeus polynomial fits). */
static double delta_t_seconds(double d)
{
    double year = 2000 + d / 365.2425, u;
    if (year < 1920) {
        u = year - 1900;
        return -2.79 + u * (1.494119 + u * (-0.0598939 + u * (0.0061966 - u * 0.000197)));
    }
    if (year < 1941) {
        u = year - 1920;
        return 21.20 + u * (0.84493 + u * (-0.076100 + u * 0.0020936));
    }
    if (year < 1961) {
        u = year - 1950;
        return 29.07 + u * (0.407 + u * (-1 / 233.0 + u / 2547.0));
    }
    if (year < 1986) {
        u = year - 1975;
        return 45.45 + u * (1.067 + u * (-1 / 260.0 - u / 718.0));
    }
    if (year < 2005) {
        u = year - 2000;
        return 63.86 + u * (0.3345 + u * (-0.060374 +
                                          u * (0.0017275 + u * (0.000651814 + u * 0.00002373599))));
    }
    if (year < 2050) {
        u = year - 2000;
        return 62.92 + u * (0.32217 + u * 0.005589);
    }
    u = (year - 1820) / 100;
    return -20 + 32 * u * u - 0.5628 * (2150 - year);
}

/* The Sun's apparent right ascension and declination (radians) at UT day d. */
static void sun_position(double d, double *right_ascension, double *declination)
{
    double tt = d + delta_t_seconds(d) / 86400;
    double c = tt / 36525; /* Julian centuries */
    double mean_longitude = DEG * (280.46646 + c * (36000.76983 + c * 0.0003032));
    double anomaly = DEG * (357.52911 + c * (35999.05029 - c * 0.0001537));
    double s = sin(anomaly), co = cos(anomaly);
    /* equation of the centre, with sin 2M and sin 3M from sin M and cos M */
    double centre = DEG * ((1.914602 - c * (0.004817 + c * 0.000014)) * s +
                           (0.019993 - 0.000101 * c) * 2 * s * co + 0.000289 * s * (3 - 4 * s * s));
    double node = DEG * (125.04 - 1934.136 * c);
    double longitude = mean_longitude + centre - DEG * (0.00569 + 0.00478 * sin(node));
    double obliquity = DEG * (23.439291 - c * (0.0130042 + c * (0.00000016 - c * 0.000000504))) +
                       DEG * 0.00256 * cos(node);
    *right_ascension = atan2(cos(obliquity) * sin(longitude), cos(longitude));
    *declination = asin(sin(obliquity) * sin(longitude));
}

/* Sidereal time at UT day d for a west longitude lw (radians). */
static double sidereal(double d, double lw)
{
    return DEG * (280.46061837 + 360.98564736629 * d) - lw;
}

bool sun_event_utc_ms(double latitude, double longitude, int64_t utc, sun_event event,
                      int64_t *utc_ms)
{
    double lw = DEG * -longitude, phi = DEG * latitude;
    double days = (double)utc * 1000 / MS_PER_DAY - 0.5 + JULIAN_1970 - JULIAN_2000;
    double n = round_half_up(days - TRANSIT_CORRECTION - lw / (2 * M_PI));

    /* solar transit: the local hour angle brought to zero */
    double transit = n + TRANSIT_CORRECTION + lw / (2 * M_PI), ra, dec;
    for (int i = 0; i < 3; i++) {
        sun_position(transit, &ra, &dec);
        transit -= wrap_angle(sidereal(transit, lw) - ra) / (2 * M_PI);
    }
    sun_position(transit, &ra, &dec);

    double h0 = event_altitude[event] * DEG;
    double cos_h0 = (sin(h0) - sin(phi) * sin(dec)) / (cos(phi) * cos(dec));
    if (cos_h0 < -1 || cos_h0 > 1) return false;
    double sign = event == SUN_DAWN || event == SUN_SUNRISE ? -1 : 1;
    double d = transit + sign * acos(cos_h0) / (2 * M_PI);
    for (int i = 0; i < 2; i++) {
        sun_position(d, &ra, &dec);
        double hour_angle = wrap_angle(sidereal(d, lw) - ra);
        double altitude = asin(sin(phi) * sin(dec) + cos(phi) * cos(dec) * cos(hour_angle));
        double rate = cos(phi) * cos(dec) * sin(hour_angle);
        if (fabs(rate) < 1e-6) break; /* grazing the horizon */
        d += (altitude - h0) / (2 * M_PI * rate);
    }
    *utc_ms = (int64_t)((d + JULIAN_2000 + 0.5 - JULIAN_1970) * MS_PER_DAY);
    return true;
}

/*
 * As opening_hours.js: the solar day of the local day's own instant, else of
 * the day before, else of the day after, whichever event falls on that local
 * day (far from the zone's meridian, the day's event can belong to the solar
 * day before or after).
 */
int sun_event_minute(const tz_zone *zone, double latitude, double longitude, int64_t local_day,
                     sun_event event)
{
    static const int probes[3] = {0, -1, 1};
    for (int i = 0; i < 3; i++) {
        int64_t noon = tz_local_to_utc(zone, (local_day + probes[i]) * 86400 + 43200);
        int64_t ms;
        if (!sun_event_utc_ms(latitude, longitude, noon, event, &ms)) continue;
        int64_t local = tz_utc_to_local(zone, tz_floor_div(ms, 1000));
        if (tz_floor_div(local, 86400) == local_day) return (int)(local - local_day * 86400) / 60;
    }
    return -1;
}
