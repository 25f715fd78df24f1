DROP TABLE lab_charges;
ALTER TABLE specimens DROP COLUMN collection_method;
ALTER TABLE lab_order_tests DROP COLUMN diagnosis_pointers;
ALTER TABLE lab_orders DROP COLUMN diagnoses;
