import type { Command } from 'commander';
import { OpaisError } from '../../errors.ts';
import { fetchSnapshot } from '../../fetch/fetch-snapshot.ts';
import { parseFetchTarget } from '../../fetch/store-snapshot-file.ts';
import { defaultS3Client } from '../../source/s3-client.ts';
import { withDatabase } from '../with-database.ts';

export function registerFetchCommand(program: Command): void {
  program
    .command('fetch')
    .description(
      'download the daily export if it changed, check it is readable, and store it under a dated name',
    )
    .argument('[url]', 'the export URL (default: OPAIS_FETCH_URL)')
    .option('--to <target>', 's3://bucket/prefix/ or a directory (default: OPAIS_FETCH_TO)')
    .option('--json', 'print the result as one JSON object on stdout')
    .action(async (urlArgument: string | undefined, flags: { to?: string; json?: boolean }) => {
      const url = urlArgument ?? process.env.OPAIS_FETCH_URL;
      const to = flags.to ?? process.env.OPAIS_FETCH_TO;
      if (!url) throw new OpaisError('INVALID_ARGUMENT', 'no URL: give one or set OPAIS_FETCH_URL');
      if (!to)
        throw new OpaisError(
          'INVALID_ARGUMENT',
          'no target: give --to s3://bucket/prefix/ or --to dir/, or set OPAIS_FETCH_TO',
        );
      const result = await withDatabase((database) =>
        fetchSnapshot({ url, target: parseFetchTarget(to), pool: database.pool, s3: defaultS3Client }),
      );
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
      } else if (result.status === 'stored') {
        process.stdout.write(
          `${url}: stored ${result.location} (${result.bytes} bytes, ${result.elements} entities, sha256 ${result.sha256})\n`,
        );
      } else if (result.status === 'unchanged') {
        process.stdout.write(
          `${url}: unchanged (same sha256 ${result.sha256} as the last stored export); nothing stored\n`,
        );
      } else {
        process.stdout.write(`${url}: not modified since the last fetch; nothing stored\n`);
      }
    });
}
