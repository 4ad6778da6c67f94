import { DataSource, type DataSourceOptions } from 'typeorm';

import { DEFAULT_DATABASE_URL } from './src/config/demo-config.js';
import { createDataSourceOptions } from './src/database/database-options.js';

/**
 * Options of the TypeORM CLI's data source, from `DATABASE_URL` with the demo's default. They are
 * parsed by the same function as in the demo app, so both always open the same database.
 */
export const dataSourceOptions: DataSourceOptions = createDataSourceOptions(process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL);

/**
 * The data source of the TypeORM CLI (`npm run migration:run` loads the build, `dist/ormconfig.js`).
 * It is the only DataSource this file exports: the CLI rejects a file that exports two, and a
 * named export of the same instance beside the default one counts as two.
 */
export default new DataSource(dataSourceOptions);
