/* Logger (see log.h). Lines longer than 2 KiB are cut, never split. */
#include "log.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

static enum log_level min_level = LOG_INFO;
static FILE *stream;

void log_set_level(enum log_level level)
{
    min_level = level;
}

enum log_level log_get_level(void)
{
    return min_level;
}

void log_set_stream(FILE *f)
{
    stream = f;
}

static const char *const names[] = {"DEBUG", "INFO", "NOTICE", "WARNING", "ERROR"};

int log_level_parse(const char *name, enum log_level *out)
{
    static const char *const lower[] = {"debug", "info", "notice", "warning", "error"};
    for (int i = 0; i < 5; i++) {
        if (strcmp(name, lower[i]) == 0) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    if (level < min_level)
        return;
    char line[2048];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    size_t n = strftime(line, sizeof(line), "[%Y-%m-%d %H:%M:%S] ", &tm);
    int k = snprintf(line + n, sizeof(line) - n, "[%s] ", names[level]);
    if (k > 0)
        n += (size_t)k;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    va_end(ap);
    FILE *out = stream ? stream : stderr;
    fputs(line, out);
    fputc('\n', out);
    fflush(out);
}
