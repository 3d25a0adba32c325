import { expect } from 'chai';
import { SERVICE_STATUSES, toServiceStatus } from '../../core/index.ts';

describe("toServiceStatus reads a host's word for a service's state", () => {
  it('reads each status in any case and with spaces around', () => {
    for (const status of SERVICE_STATUSES) {
      const capitalised = status[0]!.toUpperCase() + status.slice(1);
      for (const word of [status, capitalised, status.toUpperCase(), `  ${capitalised} `]) {
        expect(toServiceStatus(word), JSON.stringify(word)).to.equal(status);
      }
    }
  });

  it("reads WHMCS's Completed (a one-off product delivered) as terminated", () => {
    expect(toServiceStatus('Completed')).to.equal('terminated');
  });

  it('reads an unknown word, an empty one or no word at all as pending: nothing shown until the host says it runs', () => {
    for (const word of ['Running', '', ' ', null, undefined, 3, {}, 'active!', 'suspend']) {
      expect(toServiceStatus(word), JSON.stringify(word)).to.equal('pending');
    }
  });
});
