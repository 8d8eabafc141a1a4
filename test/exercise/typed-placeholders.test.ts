import { expect } from 'chai';
import { resolvePlaceholders } from '../../src/exercise/plan.js';

const values = {
  outputs: { Port: '22' },
  actions: { stream: { logStreams: [{ creationTime: 1717430531000, logStreamName: 'i-1', arn: 'a' }] } },
  exerciseId: 'e',
  accountId: '123456789012',
  region: 'eu-west-1',
};

describe('placeholders in action inputs keep the type of an earlier action’s number', () => {
  it('a whole-string reference to a number is that number (a log event timestamp is a long)', () => {
    const input = {
      logEvents: [{ timestamp: '{{actions.stream.logStreams.0.creationTime}}', message: 'sshd[1]: hi' }],
    };
    expect(resolvePlaceholders(input, values)).to.deep.equal({
      logEvents: [{ timestamp: 1717430531000, message: 'sshd[1]: hi' }],
    });
  });

  it('inside a longer string, or for a string member or an output, the value stays text', () => {
    expect(resolvePlaceholders('at {{actions.stream.logStreams.0.creationTime}}', values)).to.equal(
      'at 1717430531000',
    );
    expect(resolvePlaceholders('{{actions.stream.logStreams.0.logStreamName}}', values)).to.equal('i-1');
    // Stack outputs are strings in CloudFormation: they stay strings.
    expect(resolvePlaceholders('{{outputs.Port}}', values)).to.equal('22');
  });
});
