#ifndef CKANAVA_SPAWN_H
#define CKANAVA_SPAWN_H

#include <spawn.h>

/// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34): the child closes every descriptor from `from` up. Swift's
/// Glibc module does not export the GNU extensions. Returns ENOTSUP where there is no such action.
int kanava_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/// `posix_spawn_file_actions_addchdir_np` (glibc 2.29): the child changes to `path` before it runs the program.
int kanava_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// `pipe2(fds, O_CLOEXEC)`: a pipe no other child inherits by accident.
int kanava_pipe_cloexec(int fds[2]);

#endif
