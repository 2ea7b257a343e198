-- 0031 — addresses imported before the importer dropped a source form's
-- example glued in front of them (issue 20): "(ex. 12 allée des
-- Glycines)7 rue Terrasse" becomes "7 rue Terrasse" (src/places/importer.c,
-- drop_form_example, is the rule for every import from now on). An address
-- that is only the example stays as it is, as the importer keeps it.
-- LIKE is case-insensitive for ASCII, as the importer's test is.
UPDATE place
   SET address = ltrim(substr(address, instr(address, ')') + 1), ' ,;-')
 WHERE (address LIKE '(ex.%' OR address LIKE '(ex %')
   AND instr(address, ')') > 0
   AND ltrim(substr(address, instr(address, ')') + 1), ' ,;-') <> '';
