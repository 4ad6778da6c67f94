import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Adds what keeping grants alive needs: a refresh lease on each grant, so that one instance
 * refreshes a token while the others wait, and a table of processed webhook event ids, so that
 * a redelivered event is applied once. Portable types only, as in the first migration.
 */
export class AddGrantLifecycle1764892800000 implements MigrationInterface {
  name = 'AddGrantLifecycle1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('nylas_grants', new TableColumn({ name: 'refresh_lease_until', type: 'bigint', isNullable: true }));

    await queryRunner.createTable(
      new Table({
        name: 'nylas_webhook_events',
        columns: [
          { name: 'event_id', type: 'varchar', length: '255', isPrimary: true },
          { name: 'event_type', type: 'varchar', length: '64' },
          { name: 'grant_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'received_at', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createIndex('nylas_webhook_events', new TableIndex({ name: 'idx_nylas_webhook_events_received_at', columnNames: ['received_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('nylas_webhook_events');
    await queryRunner.dropColumn('nylas_grants', 'refresh_lease_until');
  }
}
