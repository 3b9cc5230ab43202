/*
 * core_memory.c
 *		The pure core's allocator hooks on palloc: memory the core takes
 *		while building a value lives in the current memory context, so an
 *		error raised half-way leaks nothing.
 */
#include "pdns.h"

static void *
pdns_palloc_alloc(void *ctx, size_t size)
{
	return palloc(size);
}

static void *
pdns_palloc_realloc(void *ctx, void *ptr, size_t size)
{
	return repalloc(ptr, size);
}

static void
pdns_palloc_free(void *ctx, void *ptr)
{
	pfree(ptr);
}

const pdns_allocator pdns_palloc = {pdns_palloc_alloc, pdns_palloc_realloc,
pdns_palloc_free, NULL};
