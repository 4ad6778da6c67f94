import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Stores with each pending flow how its callback responds (`redirect`, `popup` or `client`), so
 * the mode is fixed when the flow starts and a callback URL cannot switch it. Flows pending
 * during the upgrade get `redirect`, the only mode before this migration.
 */
export class AddPendingFlowMode1764979200000 implements MigrationInterface {
  name = 'AddPendingFlowMode1764979200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'nylas_pending_flows',
      new TableColumn({ name: 'flow_mode', type: 'varchar', length: '16', isNullable: false, default: "'redirect'" }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('nylas_pending_flows', 'flow_mode');
  }
}
