// A Temporal client from the standard connection settings, closed when the work is done.
import { Client, Connection } from '@temporalio/client';
import { loadTemporalSettings, type TemporalSettings } from '../config/temporal';

export async function withClient<T>(work: (client: Client, settings: TemporalSettings) => Promise<T>): Promise<T> {
  const settings = loadTemporalSettings();
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...settings.connectionOptions, connectTimeout: '5s' });
  } catch (err) {
    throw new Error(
      `无法连接 Temporal 服务 ${settings.connectionOptions.address}：是否已运行 npm start？(cannot reach Temporal at ${settings.connectionOptions.address}: is \`npm start\` running?) ${(err as Error).message}`,
    );
  }
  try {
    return await work(new Client({ connection, namespace: settings.namespace }), settings);
  } finally {
    await connection.close();
  }
}
