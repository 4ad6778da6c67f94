import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates the host's own table, beside the library's migrations in the same data source. */
export class CreateHostUsers1700000000000 implements MigrationInterface {
  name = 'CreateHostUsers1700000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE "host_users" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(64) NOT NULL UNIQUE)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "host_users"');
  }
}
