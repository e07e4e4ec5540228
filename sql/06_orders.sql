-- Per-customer KPIs from orders: repeat_purchase_rate, one_and_done_rate,
-- purchase_frequency, upsell_ratio, for several customer id types.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS loyalty_kpi;
RESET client_min_messages;
\set VERBOSITY sqlstate

-- Five customers, nine orders:
--   1: 3 orders, products a, a, b   (repeat, two products)
--   2: 1 order,  product a          (one-and-done, one product)
--   3: 2 orders, products c, c      (repeat, one product)
--   4: 1 order,  product NULL       (one-and-done; no product: not in upsell)
--   5: 2 orders, products b, NULL   (repeat, one known product)
-- repeat 3/5 = 60%, one-and-done 2/5 = 40%, frequency 9/5 = 1.8,
-- upsell: more than one product {1} / exactly one {2, 3, 5} = 1/3
CREATE TABLE orders (customer_id bigint, product_id text, amount numeric);
INSERT INTO orders VALUES (1, 'a', 10), (1, 'a', 12), (1, 'b', 5), (2, 'a', 7), (3, 'c', 3),
  (3, 'c', 3), (4, NULL, 9), (5, 'b', 4), (5, NULL, 4), (NULL, 'a', 1);
SELECT repeat_purchase_rate(customer_id) AS repeat, one_and_done_rate(customer_id) AS once,
       purchase_frequency(customer_id) AS frequency,
       round(upsell_ratio(customer_id, product_id)::numeric, 6) AS upsell
FROM orders;

-- The same answers whatever the id type: int, smallint, text, varchar,
-- uuid, numeric (through its hash opclass: 1.0 and 1.00 are one customer),
-- and text under a case-insensitive (nondeterministic) collation
CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
SELECT repeat_purchase_rate(customer_id::int) AS int4,
       repeat_purchase_rate(customer_id::smallint) AS int2,
       repeat_purchase_rate('c' || customer_id) AS text,
       repeat_purchase_rate(('c' || customer_id)::varchar) AS varchar,
       repeat_purchase_rate(md5(customer_id::text)::uuid) AS uuid,
       repeat_purchase_rate(CASE WHEN amount > 5 THEN customer_id::numeric(6,2)
                                 ELSE customer_id::numeric(6,1) END) AS numeric,
       round(upsell_ratio(md5(customer_id::text)::uuid, product_id)::numeric, 6) AS upsell_uuid
FROM orders;
-- case-insensitive: the same 60%.  Case-sensitive, customer 1 is 'C1' twice
-- and 'c1' once, 3 is 'c3' twice, 5 'c5' twice, 2 'C2', 4 'C4': 6 customers,
-- repeaters C1, c3, c5: 3/6 = 50%
SELECT round(repeat_purchase_rate((CASE WHEN amount > 5 THEN 'C' ELSE 'c' END || customer_id)
                                  COLLATE case_insensitive)::numeric, 6) AS case_insensitive,
       round(repeat_purchase_rate((CASE WHEN amount > 5 THEN 'C' ELSE 'c' END || customer_id)
                                  COLLATE "C")::numeric, 6) AS case_sensitive
FROM orders;

-- Upsell counts distinct products whatever their type
SELECT round(upsell_ratio(customer_id, ascii(product_id))::numeric, 6) AS upsell_int_products FROM orders;

-- By segment with GROUP BY, and restricted to a period with WHERE
SELECT customer_id % 2 AS odd, repeat_purchase_rate(customer_id), purchase_frequency(customer_id)
FROM orders WHERE customer_id IS NOT NULL GROUP BY 1 ORDER BY 1;

-- NULL and empty input give NULL; upsell with nobody on exactly one product is NULL
SELECT repeat_purchase_rate(customer_id) FROM orders WHERE false;
SELECT one_and_done_rate(customer_id) FROM orders WHERE customer_id IS NULL;
SELECT upsell_ratio(customer_id, product_id) FROM orders WHERE customer_id = 1;

-- an id type without a hash function is refused with 42883
SELECT repeat_purchase_rate(point(customer_id, 0)) FROM orders;

-- As a moving window (inverse transition): frames of three orders in order
-- (customer, product, amount), the customers in each frame: {1} 0; {1,1} 100;
-- {1,1,1} 100; {1,1,2} 50; {1,2,3} 0; {2,3,3} 50; {3,3,4} 50; {3,4,5} 0;
-- {4,5,5} 50; {5,5,NULL} 100
SELECT customer_id, product_id, repeat_purchase_rate(customer_id)
         OVER (ORDER BY customer_id NULLS LAST, product_id NULLS LAST, amount
               ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS repeat_3
FROM orders ORDER BY customer_id NULLS LAST, product_id NULLS LAST, amount;
-- the upsell ratio, which has no inverse, also works over a window
SELECT customer_id, round(upsell_ratio(customer_id, product_id) OVER (ORDER BY customer_id)::numeric, 4) AS upsell
FROM orders WHERE customer_id IS NOT NULL ORDER BY customer_id, product_id;

-- Rows wait in batches before they reach the hash table; an id too long for
-- the batch's buffer (2 kB) goes straight in, after the rows waiting before
-- it.  Customer A (3000 characters) orders 3 times, B once, C (2500
-- characters) once: repeat 1/3 = 33.333333%, 5 orders / 3 = 1.666667 each.
-- Sliding over two orders: {A} 0, {A,B} 0, {B,A} 0, {A,C} 0, {C,A} 0; over
-- three: {A} 0, {A,B} 0, {A,B,A} 50, {B,A,C} 0, {A,C,A} 50.
CREATE TABLE long_ids AS
SELECT n, id FROM (VALUES (1, repeat('a', 3000)), (2, 'b'), (3, repeat('a', 3000)), (4, repeat('c', 2500)),
                          (5, repeat('a', 3000))) v(n, id);
SELECT round(repeat_purchase_rate(id)::numeric, 6) AS repeat, purchase_frequency(id) AS frequency FROM long_ids;
SELECT n, repeat_purchase_rate(id) OVER (ORDER BY n ROWS 1 PRECEDING) AS two,
       repeat_purchase_rate(id) OVER (ORDER BY n ROWS 2 PRECEDING) AS three
FROM long_ids ORDER BY n;
