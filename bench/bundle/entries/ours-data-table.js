// <cb-data-table> alone (its define module), for a page that only needs the table.
import '../../../packages/components/src/data-table/define.ts';
