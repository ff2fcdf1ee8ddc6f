import { Common } from '@ethereumjs/common';
import { paramsTx } from '@ethereumjs/tx';

/**
 * The `Common` a batch's ethereumjs transactions share.
 *
 * Every ethereumjs transaction constructor copies the Common it is given and merges the
 * transaction parameters into the copy: a JSON deep copy of about twenty EIPs' parameters
 * and a rebuild of the parameter cache, some 0.3 ms a transaction on this project's
 * machine, a sixth of a Uniswap swap's re-execution. The Common returned here already
 * holds those parameters; copying it gives itself back and merging them again does
 * nothing, so a batch pays for the merge once. Sharing is safe because nothing writes
 * to a transaction's Common: runTx only sets its hardfork to the block's, which is this
 * Common's own.
 */
const shared = new WeakMap<Common, Common>();

export function txCommon(common: Common): Common {
  let c = shared.get(common);
  if (c) return c;
  const own = common.copy();
  own.updateParams(paramsTx);
  own.copy = () => own;
  own.updateParams = (params) => {
    if (params !== paramsTx) Common.prototype.updateParams.call(own, params);
  };
  shared.set(common, (c = own));
  shared.set(own, own);
  return c;
}
