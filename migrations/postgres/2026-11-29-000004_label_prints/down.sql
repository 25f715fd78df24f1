DROP TABLE label_prints;
