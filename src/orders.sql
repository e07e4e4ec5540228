/* ---------------------------------------------------------------------
 * Per-customer KPIs from an orders table (src/orders.c): one row per order,
 * any customer id type with a hash opclass ("any" arguments).  The state
 * is a hash table of customers (internal), serialized for parallel
 * workers; it grows with the customers, so it stays in memory.
 * ---------------------------------------------------------------------
 */

CREATE FUNCTION loyalty_kpi_internal.orders_accum(internal, "any") RETURNS internal
AS 'MODULE_PATHNAME', 'orders_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.orders_retract(internal, "any") RETURNS internal
AS 'MODULE_PATHNAME', 'orders_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.orders_products_accum(internal, "any", "any") RETURNS internal
AS 'MODULE_PATHNAME', 'orders_products_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.orders_amount_accum(internal, "any", double precision) RETURNS internal
AS 'MODULE_PATHNAME', 'orders_amount_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.orders_combine(internal, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'orders_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.orders_serialize(internal) RETURNS bytea
AS 'MODULE_PATHNAME', 'orders_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.orders_deserialize(bytea, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'orders_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.repeat_purchase_rate_final(internal) RETURNS double precision
AS 'MODULE_PATHNAME', 'repeat_purchase_rate_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.one_and_done_rate_final(internal) RETURNS double precision
AS 'MODULE_PATHNAME', 'one_and_done_rate_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.purchase_frequency_final(internal) RETURNS double precision
AS 'MODULE_PATHNAME', 'purchase_frequency_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.upsell_ratio_final(internal) RETURNS double precision
AS 'MODULE_PATHNAME', 'upsell_ratio_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.clv_final(internal) RETURNS double precision
AS 'MODULE_PATHNAME', 'clv_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.repeat_purchase_rate(customer_id "any") (
    SFUNC = loyalty_kpi_internal.orders_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.repeat_purchase_rate_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.orders_combine,
    SERIALFUNC = loyalty_kpi_internal.orders_serialize, DESERIALFUNC = loyalty_kpi_internal.orders_deserialize,
    MSFUNC = loyalty_kpi_internal.orders_accum, MINVFUNC = loyalty_kpi_internal.orders_retract,
    MSTYPE = internal,
    MFINALFUNC = loyalty_kpi_internal.repeat_purchase_rate_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.repeat_purchase_rate("any") IS
    'Share of customers with two or more orders, %, from one row per order (any id type). NULL ids are skipped; NULL when there is no order.';

CREATE AGGREGATE @extschema@.one_and_done_rate(customer_id "any") (
    SFUNC = loyalty_kpi_internal.orders_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.one_and_done_rate_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.orders_combine,
    SERIALFUNC = loyalty_kpi_internal.orders_serialize, DESERIALFUNC = loyalty_kpi_internal.orders_deserialize,
    MSFUNC = loyalty_kpi_internal.orders_accum, MINVFUNC = loyalty_kpi_internal.orders_retract,
    MSTYPE = internal,
    MFINALFUNC = loyalty_kpi_internal.one_and_done_rate_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.one_and_done_rate("any") IS
    'Share of customers with exactly one order, %, from one row per order. NULL when there is no order.';

CREATE AGGREGATE @extschema@.purchase_frequency(customer_id "any") (
    SFUNC = loyalty_kpi_internal.orders_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.purchase_frequency_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.orders_combine,
    SERIALFUNC = loyalty_kpi_internal.orders_serialize, DESERIALFUNC = loyalty_kpi_internal.orders_deserialize,
    MSFUNC = loyalty_kpi_internal.orders_accum, MINVFUNC = loyalty_kpi_internal.orders_retract,
    MSTYPE = internal,
    MFINALFUNC = loyalty_kpi_internal.purchase_frequency_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.purchase_frequency("any") IS
    'Orders per customer (a count, not a share), from one row per order. NULL when there is no order.';

-- no inverse: "bought a second product" cannot be taken back without every product
CREATE AGGREGATE @extschema@.upsell_ratio(customer_id "any", product_id "any") (
    SFUNC = loyalty_kpi_internal.orders_products_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.upsell_ratio_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.orders_combine,
    SERIALFUNC = loyalty_kpi_internal.orders_serialize, DESERIALFUNC = loyalty_kpi_internal.orders_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.upsell_ratio("any", "any") IS
    'Customers who bought more than one distinct product per customer who bought exactly one (a ratio, not a share). NULL when nobody bought exactly one.';

-- the historical CLV, revenue / distinct customers, on the same state
CREATE AGGREGATE @extschema@.clv(customer_id "any", amount double precision) (
    SFUNC = loyalty_kpi_internal.orders_amount_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.clv_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.orders_combine,
    SERIALFUNC = loyalty_kpi_internal.orders_serialize, DESERIALFUNC = loyalty_kpi_internal.orders_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.clv("any", double precision) IS
    'Historical value per customer: total amount / distinct customers, from one row per order. NULL when there is no order.';
