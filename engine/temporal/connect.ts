import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { SettingError } from '../settings';
import { registerSearchAttributes } from './search-attributes';

export interface TemporalConnections {
  client: Client;
  worker: NativeConnection;
  close(): Promise<void>;
}

/** Connects the client and the worker to Temporal, naming the setting when it cannot be reached. */
export async function connectTemporal(address: string, namespace: string, setting = 'TEMPORAL_ADDRESS'): Promise<TemporalConnections> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: '5 seconds' });
    await connection.workflowService.describeNamespace({ namespace });
    await registerSearchAttributes(connection, namespace);
    const worker = await NativeConnection.connect({ address });
    return {
      client: new Client({ connection, namespace }),
      worker,
      async close() {
        await worker.close();
        await connection?.close();
      },
    };
  } catch (error) {
    await connection?.close().catch(() => undefined);
    const reason = (error as Error).message.split('\n')[0];
    throw new SettingError(setting, `cannot reach Temporal namespace "${namespace}" at ${address} (${reason})`);
  }
}
