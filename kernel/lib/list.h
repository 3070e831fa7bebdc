/* Intrusive doubly-linked lists: a struct list_node lives inside each element, and
 * a list is a node of its own that points at itself when empty (as Linux's). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct list_node {
	struct list_node *next, *prev;
};

#define LIST_INIT(name)          \
	{                        \
		&(name), &(name) \
	}

static inline void list_init(struct list_node *list)
{
	list->next = list->prev = list;
}

static inline bool list_empty(const struct list_node *list)
{
	return list->next == list;
}

static inline void list_insert_between(struct list_node *node, struct list_node *prev,
				       struct list_node *next)
{
	node->prev = prev;
	node->next = next;
	prev->next = node;
	next->prev = node;
}

static inline void list_push_back(struct list_node *list, struct list_node *node)
{
	list_insert_between(node, list->prev, list);
}

static inline void list_push_front(struct list_node *list, struct list_node *node)
{
	list_insert_between(node, list, list->next);
}

/* Inserts node before `at` (which may be the list itself: at the end). */
static inline void list_insert_before(struct list_node *at, struct list_node *node)
{
	list_insert_between(node, at->prev, at);
}

static inline void list_remove(struct list_node *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	node->next = node->prev = node;
}

/* The first node, taken off the list; NULL when it is empty. */
static inline struct list_node *list_pop_front(struct list_node *list)
{
	if (list_empty(list))
		return NULL;
	struct list_node *node = list->next;
	list_remove(node);
	return node;
}

/* The structure a node is embedded in. */
#define list_entry(node, type, member) ((type *)((char *)(node)-offsetof(type, member)))

#define list_for_each(pos, list) for (pos = (list)->next; pos != (list); pos = pos->next)
