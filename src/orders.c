/*
 * orders.c
 *		Per-customer KPIs from an orders table, one row per order, in one
 *		pass: repeat purchase rate, one-and-done rate, purchase frequency
 *		and the upsell ratio.
 *
 * Formulas (KPI-SPEC.md, "Customer-base KPIs"; seeds 000, 001, 002):
 *	 repeat purchase rate	customers with 2 or more orders / customers * 100
 *	 one-and-done rate		customers with exactly 1 order / customers * 100
 *	 purchase frequency		orders / customers (not a share)
 *	 upsell ratio			customers who bought more than one distinct
 *							product / customers who bought exactly one
 *							(a ratio, not a share; NULL when no customer
 *							bought exactly one product)
 *	 clv					revenue / customers: the historical value per
 *							customer (KPI-SPEC.md, "Customer lifetime
 *							value"; the other CLV forms are in clv.c)
 * A row whose customer is NULL is skipped, and for the upsell ratio so is a
 * row whose product (or amount) is NULL.  Restrict the period with WHERE.
 *
 * The state is a hash table keyed by customer id (simplehash.h, open
 * addressing), for any id type with a hash opclass.  Integer ids are the
 * key itself; text, varchar, bytea (deterministic collation) and uuid ids
 * are compared as bytes and copied once into an arena; every other type
 * goes through its hash opclass.  An entry is 32 bytes; with the table's
 * doubling that is 36-72 bytes per distinct customer, plus the id's bytes
 * when it is not an integer.
 *
 * Rows are inserted in batches of BATCH_ROWS with each row's bucket
 * prefetched on arrival (see there): the table outgrows the CPU caches at
 * around a hundred thousand customers, and then the overlapping of cache
 * misses is most of the speed.
 *
 * Running tallies (customers, once, repeat, orders, one/many products) are
 * updated as each entry changes, so the final functions are O(1) and the
 * order counts can be taken back exactly: the three order-count KPIs have
 * an inverse transition for window frames.  "Bought more than one product"
 * cannot be taken back without every product per customer, so upsell_ratio
 * works as a window function by recomputing the frame.
 */
#include "loyalty_kpi.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

typedef struct CustomerEntry
{
	Datum		id;				/* LK_ID_INTEGER: the value; otherwise a pointer into the arena */
	Datum		product;		/* first product seen, encoded the same way */
	int64		orders;
	uint32		hash;
	char		status;			/* simplehash's */
	bool		has_product;
	bool		many_products;	/* a second, different product was seen */
} CustomerEntry;

#define SH_PREFIX customers
#define SH_ELEMENT_TYPE CustomerEntry
#define SH_KEY_TYPE Datum
#define SH_KEY id
/* the table's private data is the customer id's LkIdType */
#define SH_HASH_KEY(tb, key) lk_id_hash((const LkIdType *) (tb)->private_data, key)
#define SH_EQUAL(tb, a, b) lk_id_equal((const LkIdType *) (tb)->private_data, a, b)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#define SH_USE_NONDEFAULT_ALLOCATOR
#include "lib/simplehash.h"

/*
 * The table's bucket array.  A million customers make it 64 MB, and on a
 * virtual machine faulting that in 4 kB page by page cost a third of the
 * whole aggregate; asking for transparent huge pages (where the kernel
 * offers them on request) cuts the faults 512-fold.  The hint is harmless
 * where it is not honoured.
 */
static void *
customers_allocate(customers_hash *tb, Size size)
{
	char	   *p = MemoryContextAllocExtended(tb->ctx, size, MCXT_ALLOC_HUGE);

	if (size >= 8 * 1024 * 1024)
		lk_advise_huge_pages(p, size);
	memset(p, 0, size);			/* simplehash reads a zero status as "empty" */
	return p;
}

static void
customers_free(customers_hash *tb, void *pointer)
{
	pfree(pointer);
}

/*
 * Rows wait in a batch of this many before they reach the table.  With a
 * million customers the table is far larger than the CPU caches, so every
 * row is a cache (and TLB) miss; prefetching each row's bucket when it
 * arrives and inserting the batch later lets those misses overlap instead
 * of being paid one after another.
 */
#define BATCH_ROWS 32
/* by-reference ids of the waiting rows are copied here; larger ones skip the batch */
#define BATCH_BYTES 2048

typedef struct WaitingRow
{
	Datum		id;
	uint32		hash;
	bool		has_product;
	Datum		product;
} WaitingRow;

typedef struct OrdersState
{
	LkStateHeader header;
	LkIdType		id_type;
	LkIdType		product_type;
	bool		tracks_products;	/* upsell_ratio: products matter */
	customers_hash *table;
	MemoryContext context;
	LkArena		arena;
	/* tallies over entries with orders > 0 */
	int64		customers;
	int64		once;			/* exactly one order */
	int64		orders;
	int64		one_product;	/* has_product and not many_products */
	int64		many_products;
	/* clv: the revenue */
	LkSum		amount;
	/*
	 * A deserialized state is read into a table only if the aggregate keeps
	 * it; one merged into another is read straight from its message.
	 */
	bool		is_pending;
	int32		pending_customers;
	StringInfoData pending;		/* the message, at its first customer */
	/* rows added but not yet in the table (see BATCH_ROWS) */
	int			nwaiting;
	Size		waiting_bytes_used;
	WaitingRow	waiting[BATCH_ROWS];
	char		waiting_bytes[BATCH_BYTES];
	char		fname[NAMEDATALEN];
} OrdersState;


/* ---------------------------------------------------------------------
 * The state and its tallies
 * ---------------------------------------------------------------------
 */

static OrdersState *
orders_new(MemoryContext context, const char *fname, Oid id_type, Oid id_collation,
		   bool tracks_products, Oid product_type, Oid product_collation, uint32 customers)
{
	MemoryContext old = MemoryContextSwitchTo(context);
	OrdersState *state = palloc0(sizeof(OrdersState));

	strlcpy(state->fname, fname, NAMEDATALEN);
	state->context = context;
	state->arena.context = context;
	lk_id_type_init(&state->id_type, id_type, id_collation, fname, "customer id");
	state->tracks_products = tracks_products;
	if (tracks_products)
		lk_id_type_init(&state->product_type, product_type, product_collation, fname, "product id");
	/* small to start: with GROUP BY there is one table per group */
	state->table = customers_create(context, Max(256, customers), &state->id_type);
	MemoryContextSwitchTo(old);
	return state;
}

/* Takes an entry out of the tallies (before a change) or puts it in */
static void
tally(OrdersState *state, const CustomerEntry *e, int sign)
{
	if (e->orders == 0)
		return;
	state->customers += sign;
	lk_add_count(&state->orders, sign * e->orders, state->fname);
	if (e->orders == 1)
		state->once += sign;
	if (e->has_product)
	{
		if (e->many_products)
			state->many_products += sign;
		else
			state->one_product += sign;
	}
}

/*
 * Adds `orders` orders of a customer (negative: takes them back) and, when
 * has_product, a product (kept already, or to keep on first sight).
 */
static void
orders_add(OrdersState *state, Datum id, uint32 hash, int64 orders,
		   bool has_product, Datum product, bool many_products)
{
	CustomerEntry *e;
	bool		found;

	if (orders > 0)
	{
		e = customers_insert_hash(state->table, id, hash, &found);
		if (!found)
		{
			e->id = lk_id_keep(&state->arena, &state->id_type, id);
			e->orders = 0;
			e->has_product = false;
			e->many_products = false;
		}
	}
	else
	{
		e = customers_lookup_hash(state->table, id, hash);
		if (e == NULL || e->orders < -orders)
			elog(ERROR, "%s: taking back an order that was not added", state->fname);
	}

	tally(state, e, -1);
	lk_add_count(&e->orders, orders, state->fname);
	if (has_product)
	{
		if (!e->has_product)
		{
			e->product = lk_id_keep(&state->arena, &state->product_type, product);
			e->has_product = true;
		}
		else if (!e->many_products &&
				 !lk_id_equal(&state->product_type, e->product, product))
			e->many_products = true;
		e->many_products |= many_products;
	}
	tally(state, e, +1);
	if (e->orders == 0)
		customers_delete_item(state->table, e);
}


/* Inserts the waiting rows */
static void
orders_flush(OrdersState *state)
{
	/*
	 * An id kept by reference (text, uuid) is compared through a pointer
	 * into the arena: a second miss per row.  The rows' buckets were
	 * prefetched when they arrived, so read them now and prefetch the ids
	 * they hold, letting those misses overlap too.
	 */
	if (state->id_type.kind != LK_ID_INTEGER && !state->id_type.typbyval)
		for (int i = 0; i < state->nwaiting; i++)
		{
			const CustomerEntry *e = &state->table->data[state->waiting[i].hash & state->table->sizemask];

			if (e->status == customers_SH_IN_USE)
				lk_prefetch_for_read(DatumGetPointer(e->id));
		}
	for (int i = 0; i < state->nwaiting; i++)
	{
		WaitingRow *w = &state->waiting[i];

		orders_add(state, w->id, w->hash, 1, w->has_product, w->product, false);
	}
	state->nwaiting = 0;
	state->waiting_bytes_used = 0;
}

/* Sets *copy to the id, by-reference ids copied into the batch's buffer; false when it does not fit */
static bool
batch_copy(OrdersState *state, const LkIdType *t, Datum id, Datum *copy)
{
	Size		size;

	*copy = id;
	if (t->kind == LK_ID_INTEGER || t->typbyval)
		return true;
	size = lk_id_size(t, id);
	if (state->waiting_bytes_used + MAXALIGN(size) > BATCH_BYTES)
		return false;
	*copy = PointerGetDatum(state->waiting_bytes + state->waiting_bytes_used);
	memcpy(DatumGetPointer(*copy), DatumGetPointer(id), size);
	state->waiting_bytes_used += MAXALIGN(size);
	return true;
}

/* Adds one order: to the batch, with its bucket prefetched, or directly */
static void
orders_add_row(OrdersState *state, Datum id, bool has_product, Datum product)
{
	uint32		hash = lk_id_hash(&state->id_type, id);
	Size		used = state->waiting_bytes_used;
	Datum		id_copy;
	Datum		product_copy = (Datum) 0;

	if (!batch_copy(state, &state->id_type, id, &id_copy) ||
		(has_product && !batch_copy(state, &state->product_type, product, &product_copy)))
	{
		/* too large to wait: flush so that order is kept, then add it now */
		state->waiting_bytes_used = used;
		orders_flush(state);
		orders_add(state, id, hash, 1, has_product, product, false);
		return;
	}
	lk_prefetch_for_write(&state->table->data[hash & state->table->sizemask]);
	state->waiting[state->nwaiting].id = id_copy;
	state->waiting[state->nwaiting].hash = hash;
	state->waiting[state->nwaiting].has_product = has_product;
	state->waiting[state->nwaiting].product = product_copy;
	if (++state->nwaiting == BATCH_ROWS)
		orders_flush(state);
}


/* ---------------------------------------------------------------------
 * Transition functions
 * ---------------------------------------------------------------------
 */

/*
 * The aggregate's state, made on the first row.  The id arguments are
 * "any": their types come from the call expression, or from the Aggref
 * where a caller gives none; each has its own collation, so two text
 * columns of different collations do not need a common one.
 */
static OrdersState *
orders_state_arg(FunctionCallInfo fcinfo, bool with_product, const char *fallback)
{
	MemoryContext aggcontext = lk_require_agg_context(fcinfo, fallback);
	char		fname[NAMEDATALEN];
	Oid			types[2] = {InvalidOid, InvalidOid};

	if (!PG_ARGISNULL(0))
		return (OrdersState *) PG_GETARG_POINTER(0);
	lk_aggregate_name(fcinfo, fallback, fname);
	for (int i = 0; i < (with_product ? 2 : 1); i++)
		types[i] = lk_any_argtype(fcinfo, i + 1, fname);
	return orders_new(aggcontext, fname,
					  types[0], lk_arg_collation(fcinfo, 1, types[0]),
					  with_product,
					  types[1], with_product ? lk_arg_collation(fcinfo, 2, types[1]) : InvalidOid,
					  0);
}

static Datum
orders_transition(FunctionCallInfo fcinfo, bool with_product, int sign, const char *fallback)
{
	OrdersState *state = orders_state_arg(fcinfo, with_product, fallback);
	Datum		id;
	Datum		product = (Datum) 0;

	if (PG_ARGISNULL(1) || (with_product && PG_ARGISNULL(2)))
		PG_RETURN_POINTER(state);

	id = lk_id_from_row(&state->id_type, PG_GETARG_DATUM(1));
	if (with_product)
		product = lk_id_from_row(&state->product_type, PG_GETARG_DATUM(2));
	if (sign > 0)
		orders_add_row(state, id, with_product, product);
	else
	{
		/* the order to take back may still be waiting */
		orders_flush(state);
		orders_add(state, id, lk_id_hash(&state->id_type, id), sign, with_product, product, false);
	}
	PG_RETURN_POINTER(state);
}

/* clv(customer_id, amount): an order and its amount */
PG_FUNCTION_INFO_V1(orders_amount_accum);
Datum
orders_amount_accum(PG_FUNCTION_ARGS)
{
	OrdersState *state = orders_state_arg(fcinfo, false, "clv");
	double		amount;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(state);
	amount = PG_GETARG_FLOAT8(2);
	/* as btyd_summary: a refund is netted into its order, not a negative order (issue 29) */
	lk_check_amount(state->fname, amount);
	lk_sum_add(&state->amount, amount, state->fname);
	orders_add_row(state, lk_id_from_row(&state->id_type, PG_GETARG_DATUM(1)), false, (Datum) 0);
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(orders_accum);
Datum
orders_accum(PG_FUNCTION_ARGS)
{
	return orders_transition(fcinfo, false, +1, "repeat_purchase_rate");
}

PG_FUNCTION_INFO_V1(orders_retract);
Datum
orders_retract(PG_FUNCTION_ARGS)
{
	return orders_transition(fcinfo, false, -1, "repeat_purchase_rate");
}

PG_FUNCTION_INFO_V1(orders_products_accum);
Datum
orders_products_accum(PG_FUNCTION_ARGS)
{
	return orders_transition(fcinfo, true, +1, "upsell_ratio");
}


/* ---------------------------------------------------------------------
 * Combine, serialize, deserialize (parallel query)
 * ---------------------------------------------------------------------
 */

/*
 * Adds whole customers (from another table, or a message), prefetching
 * their buckets first for the reason given at BATCH_ROWS.
 */
static void
orders_add_entries(OrdersState *state, const CustomerEntry *entries, int n)
{
	for (int i = 0; i < n; i++)
		lk_prefetch_for_write(&state->table->data[entries[i].hash & state->table->sizemask]);
	for (int i = 0; i < n; i++)
		orders_add(state, entries[i].id, entries[i].hash, entries[i].orders,
				   entries[i].has_product, entries[i].product, entries[i].many_products);
}

/* Adds every customer of b into a, copying ids into a's arena */
static void
orders_merge(OrdersState *a, const OrdersState *b)
{
	customers_iterator it;
	CustomerEntry *e;
	CustomerEntry batch[BATCH_ROWS];
	int			n = 0;

	customers_start_iterate(b->table, &it);
	while ((e = customers_iterate(b->table, &it)) != NULL)
	{
		batch[n++] = *e;
		if (n == BATCH_ROWS)
		{
			orders_add_entries(a, batch, n);
			n = 0;
			CHECK_FOR_INTERRUPTS();
		}
	}
	orders_add_entries(a, batch, n);
}

/* deserialized states (below) */
static void orders_read_pending(OrdersState *from, OrdersState *into);
static void orders_keep(LkStateHeader *header);

/* An empty state like model, with a memory context of its own under `context` */
static LkStateHeader *
orders_empty_like(const LkStateHeader *model, MemoryContext context)
{
	const OrdersState *m = (const OrdersState *) model;
	MemoryContext own = lk_state_context(context);
	OrdersState *state = orders_new(own, m->fname, m->id_type.type, m->id_type.collation,
									m->tracks_products, m->product_type.type,
									m->product_type.collation,
									(uint32) Min(m->customers, PG_UINT32_MAX));

	state->header.own_context = own;
	return &state->header;
}

static void
orders_merge_states(LkStateHeader *into, const LkStateHeader *from)
{
	OrdersState *a = (OrdersState *) into;
	OrdersState *b = (OrdersState *) from;

	if (a->id_type.type != b->id_type.type || a->tracks_products != b->tracks_products ||
		(a->tracks_products && a->product_type.type != b->product_type.type))
		elog(ERROR, "%s: combining states of different types", a->fname);
	/* rows still waiting in a batch change how a state is kept, not what it holds */
	orders_flush(a);
	if (b->is_pending)
		orders_read_pending(b, a);
	else
	{
		orders_flush(b);
		orders_merge(a, b);
	}
	lk_sum_merge(&a->amount, &b->amount, a->fname);
}

static int64
orders_size(const LkStateHeader *header)
{
	const OrdersState *state = (const OrdersState *) header;

	return state->is_pending ? state->pending_customers : state->customers;
}

static const LkStateOps orders_ops = {
	.combine_name = "orders_combine",
	.empty_like = orders_empty_like,
	.merge = orders_merge_states,
	.size = orders_size,
	.keep = orders_keep,
};

PG_FUNCTION_INFO_V1(orders_combine);
Datum
orders_combine(PG_FUNCTION_ARGS)
{
	return lk_combine(fcinfo, &orders_ops);
}

/*
 * The serialized form: a format byte, whether products are tracked, the
 * revenue, then each customer (orders, product flags, id, product).
 * No types and no names: deserialize takes them from the aggregate call.
 * Integer and other by-value ids go as 8 bytes, others as length + bytes.
 */
#define ORDERS_SERIAL_FORMAT 1
/* the least a serialized customer takes: orders, flags, a 4-byte id length */
#define ORDERS_MIN_ENTRY_BYTES (8 + 1 + 4)

PG_FUNCTION_INFO_V1(orders_serialize);
Datum
orders_serialize(PG_FUNCTION_ARGS)
{
	OrdersState *state = (OrdersState *) PG_GETARG_POINTER(0);
	customers_iterator it;
	CustomerEntry *e;
	StringInfoData buf;

	lk_require_agg_context(fcinfo, "orders_serialize");
	orders_flush(state);
	lk_serial_begin(&buf, ORDERS_SERIAL_FORMAT);
	pq_sendbyte(&buf, state->tracks_products);
	pq_sendfloat8(&buf, state->amount.sum);
	pq_sendfloat8(&buf, state->amount.compensation);
	pq_sendint32(&buf, (int32) state->table->members);
	customers_start_iterate(state->table, &it);
	while ((e = customers_iterate(state->table, &it)) != NULL)
	{
		lk_serial_room(&buf, 2 * (Size) lk_id_size(&state->id_type, e->id)
					   + (e->has_product ? (Size) lk_id_size(&state->product_type, e->product) : 0),
					   state->fname,
					   "Run the query without parallel workers (SET max_parallel_workers_per_gather = 0), or aggregate a shorter id such as md5(customer_id).");
		pq_sendint64(&buf, e->orders);
		pq_sendbyte(&buf, (e->has_product ? 1 : 0) | (e->many_products ? 2 : 0));
		lk_id_send(&buf, &state->id_type, e->id);
		if (e->has_product)
			lk_id_send(&buf, &state->product_type, e->product);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * Reads the customers of a pending state's message into `into` (the state
 * itself when it is kept, or the state it is merged into), validating each
 * as it goes.
 */
static void
orders_read_pending(OrdersState *from, OrdersState *into)
{
	const char *fname = "orders_deserialize";
	StringInfo	buf = &from->pending;
	CustomerEntry batch[BATCH_ROWS];
	char	   *id_scratch[BATCH_ROWS];
	char	   *product_scratch[BATCH_ROWS];
	Size		id_scratch_size[BATCH_ROWS];
	Size		product_scratch_size[BATCH_ROWS];
	int			n;

	Assert(from->is_pending);
	for (int k = 0; k < BATCH_ROWS; k++)
	{
		id_scratch_size[k] = product_scratch_size[k] = 64;
		id_scratch[k] = MemoryContextAlloc(from->context, 64);
		product_scratch[k] = MemoryContextAlloc(from->context, 64);
	}
	for (int32 i = 0; i < from->pending_customers; i += n)
	{
		n = Min(BATCH_ROWS, from->pending_customers - i);
		for (int k = 0; k < n; k++)
		{
			CustomerEntry *e = &batch[k];
			int			flags;

			if (buf->len - buf->cursor < 8 + 1)
				lk_serial_error(fname, "It ends inside a customer.");
			e->orders = pq_getmsgint64(buf);
			flags = pq_getmsgbyte(buf);
			if (e->orders <= 0 || flags > 3 || (!from->tracks_products && flags != 0))
				lk_serial_error(fname, "A customer's order count or flags are out of range.");
			e->has_product = (flags & 1) != 0;
			e->many_products = (flags & 2) != 0;
			e->id = lk_id_receive(buf, &from->id_type, &id_scratch[k], &id_scratch_size[k], fname);
			e->product = e->has_product
				? lk_id_receive(buf, &from->product_type, &product_scratch[k], &product_scratch_size[k], fname)
				: (Datum) 0;
			e->hash = lk_id_hash(&from->id_type, e->id);
		}
		orders_add_entries(into, batch, n);
		CHECK_FOR_INTERRUPTS();
	}
	lk_serial_end(buf, fname);
	from->is_pending = false;
	for (int k = 0; k < BATCH_ROWS; k++)
	{
		pfree(id_scratch[k]);
		pfree(product_scratch[k]);
	}
}

/* A pending state the aggregate keeps: read into its own table, sized once */
static void
orders_keep(LkStateHeader *header)
{
	OrdersState *state = (OrdersState *) header;

	if (!state->is_pending)
		return;
	customers_grow(state->table, (uint64) (state->pending_customers / 0.9) + 1);
	orders_read_pending(state, state);
}

/*
 * Parallel workers send a table of up to every customer for each partial
 * state, and combine keeps one and merges the others into it, so only the
 * kept one needs a table: the state made here holds the header and the
 * message (which lives until combine has run on it), and is read into a
 * table by orders_keep or straight into another by merge.  Its memory
 * context is its own, under the current one, so combine can keep it whole
 * or free it whole once merged.
 */
PG_FUNCTION_INFO_V1(orders_deserialize);
Datum
orders_deserialize(PG_FUNCTION_ARGS)
{
	const char *fname = "orders_deserialize";
	StringInfoData buf;
	Aggref	   *aggref;
	OrdersState *state;
	MemoryContext own;
	bool		tracks_products;
	LkSum		amount;
	int32		customers;
	Oid			id_type;
	Oid			product_type = InvalidOid;

	lk_require_agg_context(fcinfo, fname);
	aggref = lk_call_aggref(fcinfo);
	if (aggref == NULL)
		elog(ERROR, "%s: called without an aggregate", fname);
	lk_serial_open(PG_GETARG_BYTEA_PP(0), &buf, ORDERS_SERIAL_FORMAT, fname);
	if (buf.len - buf.cursor < 1 + 8 + 8)
		lk_serial_error(fname, "It ends inside the header.");
	tracks_products = pq_getmsgbyte(&buf) != 0;
	amount.sum = pq_getmsgfloat8(&buf);
	amount.compensation = pq_getmsgfloat8(&buf);
	customers = lk_serial_count(&buf, ORDERS_MIN_ENTRY_BYTES, fname);
	if (list_length(aggref->aggargtypes) < (tracks_products ? 2 : 1))
		lk_serial_error(fname, "It tracks products, but the aggregate has no product argument.");
	id_type = linitial_oid(aggref->aggargtypes);
	if (tracks_products)
		product_type = lsecond_oid(aggref->aggargtypes);

	own = lk_state_context(CurrentMemoryContext);
	state = orders_new(own, get_func_name(aggref->aggfnoid),
					   id_type, lk_arg_collation(fcinfo, 1, id_type),
					   tracks_products, product_type,
					   tracks_products ? lk_arg_collation(fcinfo, 2, product_type) : InvalidOid,
					   0);
	state->header.own_context = own;
	state->header.adoptable = true;
	state->amount = amount;
	state->is_pending = true;
	state->pending_customers = customers;
	state->pending = buf;
	PG_RETURN_POINTER(state);
}


/* ---------------------------------------------------------------------
 * Final functions: O(1) reads of the tallies
 * ---------------------------------------------------------------------
 */

/*
 * The state, with waiting rows inserted: that changes how the state is
 * kept, not what it holds, so the final functions stay READ_ONLY (a window
 * frame may go on adding rows afterwards).
 */
static OrdersState *
final_state(FunctionCallInfo fcinfo)
{
	OrdersState *state = PG_ARGISNULL(0) ? NULL : (OrdersState *) PG_GETARG_POINTER(0);

	if (state != NULL)
		orders_flush(state);
	return (state == NULL || state->customers == 0) ? NULL : state;
}

PG_FUNCTION_INFO_V1(repeat_purchase_rate_final);
Datum
repeat_purchase_rate_final(PG_FUNCTION_ARGS)
{
	OrdersState *state = final_state(fcinfo);

	if (state == NULL)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(100.0 * (double) (state->customers - state->once) / (double) state->customers);
}

PG_FUNCTION_INFO_V1(one_and_done_rate_final);
Datum
one_and_done_rate_final(PG_FUNCTION_ARGS)
{
	OrdersState *state = final_state(fcinfo);

	if (state == NULL)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(100.0 * (double) state->once / (double) state->customers);
}

PG_FUNCTION_INFO_V1(purchase_frequency_final);
Datum
purchase_frequency_final(PG_FUNCTION_ARGS)
{
	OrdersState *state = final_state(fcinfo);

	if (state == NULL)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) state->orders / (double) state->customers);
}

PG_FUNCTION_INFO_V1(upsell_ratio_final);
Datum
upsell_ratio_final(PG_FUNCTION_ARGS)
{
	OrdersState *state = final_state(fcinfo);

	if (state == NULL || state->one_product == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) state->many_products / (double) state->one_product);
}

PG_FUNCTION_INFO_V1(clv_final);
Datum
clv_final(PG_FUNCTION_ARGS)
{
	OrdersState *state = final_state(fcinfo);

	if (state == NULL)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(lk_sum_value(&state->amount) / (double) state->customers);
}
