/* Process-wide logger: "[YYYY-MM-DD HH:MM:SS] [LEVEL] message" lines (the
 * PHP daemon's format) to stderr or a file. Secrets never go through here.
 * Single-threaded use (the event loop); no allocation per line. */
#ifndef UTIL_LOG_H
#define UTIL_LOG_H

#include <stdio.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_NOTICE, LOG_WARNING, LOG_ERROR };

/** Sets the lowest level written (default LOG_INFO). */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/** Sets the output stream (borrowed; default stderr). */
void log_set_stream(FILE *f);
/** Parses "debug", "info", "notice", "warning", "error". 0 or -1. */
int log_level_parse(const char *name, enum log_level *out);

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void log_msg(enum log_level level, const char *fmt, ...);

#define log_debug(...)   log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)    log_msg(LOG_INFO, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_error(...)   log_msg(LOG_ERROR, __VA_ARGS__)

#endif
