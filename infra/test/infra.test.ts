/*
 * The infra test suite: one process, one synth per configuration shared
 * by every spec (see helpers.ts).  `npm test` runs this file.
 */

import './config.spec';
import './stages.spec';
import './network.spec';
import './data.spec';
import './auth.spec';
import './messaging.spec';
import './secrets.spec';
import './compute.spec';
import './constructs.spec';
import './ecs-env.spec';
import './iam.spec';
import './web.spec';
import './events.spec';
import './observability.spec';
import './cicd.spec';
import './hardening.spec';
import './nag.spec';
