import { expect } from 'chai';
import { startTestRange, type TestRange } from './harness.js';
import { executionRole } from './lambda-fixtures.js';
import { writeZip } from '../../src/range/services/lambda/zip.js';

// Lambda's REST-JSON wire form, as the API Reference documents it: the operation from the method and
// URI, errors as `{"Type":"User","message":...}` with the code in X-Amzn-ErrorType, Invoke's result
// as the raw body with X-Amz-Function-Error / X-Amz-Executed-Version / X-Amz-Log-Result headers.
describe('range: Lambda on the wire (REST-JSON)', function () {
  this.timeout(60_000);
  let range: TestRange;
  before(async () => {
    range = await startTestRange();
  });
  after(() => range.stop());

  const call = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    range.signedFetch(path, {
      service: 'lambda',
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body !== undefined ? { body } : {}),
    });

  it('answers errors with X-Amzn-ErrorType and a {Type, message} body, with the status AWS uses', async () => {
    const missing = await call('GET', '/2015-03-31/functions/nope');
    expect(missing.status).to.equal(404);
    expect(missing.headers.get('x-amzn-errortype')).to.equal('ResourceNotFoundException');
    expect(await missing.json()).to.deep.equal({
      Type: 'User',
      message: `Function not found: arn:aws:lambda:us-east-1:${range.accountId}:function:nope`,
    });
    const garbled = await call('POST', '/2015-03-31/functions', '{not json');
    expect(garbled.status).to.equal(400);
    expect(garbled.headers.get('x-amzn-errortype')).to.equal('InvalidRequestContentException');
  });

  it('creates with a JSON body (201), invokes with a raw payload, and deletes (204, empty body)', async () => {
    const role = await executionRole(range, 'wire-role');
    const zip = writeZip([
      {
        path: 'index.js',
        data: 'exports.handler = async (e) => { throw new RangeError("too far: " + e.n); };',
      },
    ]);
    const created = await call(
      'POST',
      '/2015-03-31/functions',
      JSON.stringify({
        FunctionName: 'wire',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: role,
        Code: { ZipFile: zip.toString('base64') },
      }),
    );
    expect(created.status).to.equal(201);
    expect(((await created.json()) as { FunctionName: string }).FunctionName).to.equal('wire');

    const invoked = await call('POST', '/2015-03-31/functions/wire/invocations', '{"n":9}', {
      'x-amz-log-type': 'Tail',
    });
    expect(invoked.status).to.equal(200);
    expect(invoked.headers.get('x-amz-function-error')).to.equal('Unhandled');
    expect(invoked.headers.get('x-amz-executed-version')).to.equal('$LATEST');
    const log = Buffer.from(invoked.headers.get('x-amz-log-result') ?? '', 'base64').toString();
    expect(log).to.match(/^START RequestId: /);
    expect(await invoked.json()).to.include({ errorType: 'RangeError', errorMessage: 'too far: 9' });

    const event = await call('POST', '/2015-03-31/functions/wire/invocations', '{}', {
      'x-amz-invocation-type': 'DryRun',
    });
    expect(event.status).to.equal(204);

    const deleted = await call('DELETE', '/2015-03-31/functions/wire');
    expect(deleted.status).to.equal(204);
    expect(await deleted.text()).to.equal('');
  });
});
