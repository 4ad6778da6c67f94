import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Creates the pending-flow and grant tables. It uses only TypeORM's portable schema API and
 * portable types (varchar, text, bigint), so the same migration runs on SQLite, PostgreSQL and MySQL.
 */
export class CreateNylasConnectTables1764806400000 implements MigrationInterface {
  name = 'CreateNylasConnectTables1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'nylas_pending_flows',
        columns: [
          { name: 'state_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '255' },
          { name: 'code_verifier', type: 'varchar', length: '128' },
          { name: 'return_to', type: 'varchar', length: '2048', isNullable: true },
          { name: 'provider', type: 'varchar', length: '32', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'expires_at', type: 'bigint' },
          { name: 'claimed_at', type: 'bigint', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex('nylas_pending_flows', new TableIndex({ name: 'idx_nylas_pending_flows_user_id', columnNames: ['user_id'] }));
    await queryRunner.createIndex('nylas_pending_flows', new TableIndex({ name: 'idx_nylas_pending_flows_expires_at', columnNames: ['expires_at'] }));

    await queryRunner.createTable(
      new Table({
        name: 'nylas_grants',
        columns: [
          { name: 'grant_id', type: 'varchar', length: '255', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '255' },
          { name: 'email', type: 'varchar', length: '320' },
          { name: 'email_normalized', type: 'varchar', length: '320' },
          { name: 'provider', type: 'varchar', length: '32' },
          { name: 'scope', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'access_token_ciphertext', type: 'text', isNullable: true },
          { name: 'refresh_token_ciphertext', type: 'text', isNullable: true },
          { name: 'token_key_id', type: 'varchar', length: '32', isNullable: true },
          { name: 'access_token_expires_at', type: 'bigint', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createIndex('nylas_grants', new TableIndex({ name: 'idx_nylas_grants_user_id', columnNames: ['user_id'] }));
    await queryRunner.createIndex('nylas_grants', new TableIndex({ name: 'idx_nylas_grants_email_normalized', columnNames: ['email_normalized'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('nylas_grants');
    await queryRunner.dropTable('nylas_pending_flows');
  }
}
