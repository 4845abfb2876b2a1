import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * The next message on a queue (parsed, and deleted), waiting up to `attempts` seconds. S3 sends one
 * s3:TestEvent to a queue when a notification is configured (as AWS does); it is skipped.
 */
export async function takeMessage(
  sqs: SQSClient,
  queueUrl: string,
  attempts = 10,
): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }),
    );
    const message = Messages?.[0];
    if (message?.Body) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      const body = JSON.parse(message.Body);
      if (body.Event !== 's3:TestEvent') return body;
    }
  }
  throw new Error(`no message on ${queueUrl}`);
}
