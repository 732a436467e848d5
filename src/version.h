#ifndef LB_VERSION_H
#define LB_VERSION_H
/* Part of every cache key: a new litbook reruns everything once. */
#define LITBOOK_VERSION "0.1.0"
#endif
