import { expect } from 'chai';
import { closest, didYouMean, editDistance } from '../../src/scenario/did-you-mean.js';

describe('did you mean', () => {
  it('measures edits, counting a swap of neighbours as one', () => {
    expect(editDistance('summary', 'summary')).to.equal(0);
    expect(editDistance('sumary', 'summary')).to.equal(1);
    expect(editDistance('sgIngres', 'sgIngress')).to.equal(1);
    expect(editDistance('hgih', 'high')).to.equal(1);
    expect(editDistance('', 'abc')).to.equal(3);
    expect(editDistance('kitten', 'sitting')).to.equal(3);
  });

  it('suggests the closest plausible candidate, ignoring case', () => {
    expect(closest('grp', ['group', 'protocol', 'port'])).to.equal('group');
    expect(closest('BastionCIDR', ['BastionCidr', 'VpcCidr'])).to.equal('BastionCidr');
    expect(closest('ssh-open-to-wrld', ['ssh-open-to-world', 's3-public-bucket'])).to.equal(
      'ssh-open-to-world',
    );
    expect(didYouMean('sgIngres', ['sgIngress', 'sgEgress'])).to.equal('did you mean "sgIngress"?');
  });

  it('stays quiet when nothing is close, rather than suggesting nonsense', () => {
    expect(closest('owner', ['id', 'title', 'summary', 'severity'])).to.equal(undefined);
    expect(closest('cloud', ['platform', 'network', 'os', 'data'])).to.equal(undefined);
    expect(closest('xy', ['ab'])).to.equal(undefined);
    expect(didYouMean('anything', [])).to.equal(undefined);
  });
});
