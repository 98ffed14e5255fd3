#define _GNU_SOURCE
#include "CKanavaSpawn.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int kanava_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
#else
    (void)actions;
    (void)from;
    return ENOTSUP;
#endif
}

int kanava_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
#if defined(__GLIBC__) || defined(__APPLE__)
    return posix_spawn_file_actions_addchdir_np(actions, path);
#else
    (void)actions;
    (void)path;
    return ENOTSUP;
#endif
}

int kanava_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}
