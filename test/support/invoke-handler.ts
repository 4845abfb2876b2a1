/**
 * Invokes the Lambda handler once in this process, as a separate Lambda
 * container would: the event comes as JSON in argv[2]; the result (or the
 * error's code and message) is printed as JSON on stdout.
 * Run with: node --import tsx test/support/invoke-handler.ts '<event json>'
 */
import { handler } from '../../src/lambda/handler.ts';
import { forgetLambdaDatabase } from '../../src/lambda/lambda-database.ts';

try {
  const result = await handler(JSON.parse(process.argv[2] as string), {
    awsRequestId: `child-${process.pid}`,
  });
  process.stdout.write(`${JSON.stringify({ ok: true, result })}\n`);
} catch (error) {
  process.stdout.write(
    `${JSON.stringify({ ok: false, code: (error as { code?: string }).code, message: (error as Error).message })}\n`,
  );
  process.exitCode = 1;
} finally {
  await forgetLambdaDatabase();
}
