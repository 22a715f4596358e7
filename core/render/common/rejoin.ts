/**
 * How long a failed member stays out of rotation before it is tried again,
 * in both servers: httpd's `retry=` on every BalancerMember (httpd's own
 * default is 60 s) and nginx's `fail_timeout` (which its sample sets to 30 s).
 * One figure, so a recovered node rejoins within this time behind either
 * server; shorter would send more first requests to a node still starting.
 */
export const MEMBER_REJOIN_SECONDS = 30;
