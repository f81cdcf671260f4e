<?php
// testdouble.php — a billing team's integration test against custrpc-server as a test double,
// written the way a PHP shop would (curl extension, no XML-RPC library): run by
// tests/server/test_php_testdouble.py as `php testdouble.php SERVER WORKDIR`.
//
// It starts its own server with --admin and --fixtures, works in a namespace of its own, creates
// a customer as the fixture reseller over XML-RPC with HTTP Digest, checks the journal, then
// makes the server lose the answer of a create that was carried out (an injected `drop`) and
// shows the "did it land?" logic a client needs, and resets its namespace. Prints one line per
// step and "PASS" last; any failed check prints "FAIL: why" and exits 1.

declare(strict_types=1);

const TIMEOUT_S = 60; // generous: the suite runs on loaded machines and under sanitizers

[$server_bin, $work] = array_slice($argv, 1) + [null, null];
if ($server_bin === null || $work === null) {
    fwrite(STDERR, "usage: php testdouble.php CUSTRPC_SERVER WORKDIR\n");
    exit(64);
}

function fail(string $why): never
{
    echo "FAIL: $why\n";
    exit(1);
}

function check(bool $ok, string $why): void
{
    if (!$ok)
        fail($why);
}

// --- the files a test suite would keep beside its tests --------------------------------------
$root_pw = 'Billing-root-pw-1';
$reseller_pw = 'Billing-reseller-api-1';
file_put_contents("$work/root.pw", "$root_pw\n");
file_put_contents("$work/server.xml", <<<XML
<custrpc-server>
  <root login="ssp-root" password-file="root.pw"/>
  <tariff i_tariff="1" name="Default"/>
</custrpc-server>
XML);
// A reseller that may log in (web_login, api_password) and two customers of its own.
file_put_contents("$work/seed.csv",
    "name,web_password,i_tariff,web_login,api_access,api_password,customers_mgmt,max_depth,email,parent\n" .
    "Billing Reseller,Web-pw-1,1,billing-reseller,1,$reseller_pw,7,3,ops@reseller.example,\n" .
    "Alpha GmbH,Web-pw-2,1,,,,,,billing@alpha.example,Billing Reseller\n" .
    "Beta SA,Web-pw-3,1,,,,,,billing@beta.example,Billing Reseller\n");

// --- start the server on a free port and wait for its one line -------------------------------
$proc = proc_open([$server_bin, '--admin', '--config', "$work/server.xml", '--fixtures',
                   "$work/seed.csv", '--listen', '127.0.0.1:0'],
                  [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'],
                   2 => ['file', "$work/server.log", 'w']], $pipes);
check(is_resource($proc), "cannot start $server_bin");
register_shutdown_function(function () use ($proc) {
    if (proc_get_status($proc)['running'])
        proc_terminate($proc, 9); // a failed check: do not leave it behind
});
$line = '';
$deadline = microtime(true) + TIMEOUT_S;
while (!str_contains($line, "\n") && microtime(true) < $deadline) {
    $r = [$pipes[1]];
    $w = $e = null;
    if (stream_select($r, $w, $e, 1) > 0) {
        $chunk = fread($pipes[1], 512);
        if ($chunk === '' || $chunk === false)
            break; // exited
        $line .= $chunk;
    }
}
check((bool)preg_match('~^listening on (http://127\.0\.0\.1:(\d+))/RPC2$~m', $line, $m),
      "no 'listening on' line: " . var_export($line, true) . "; log: " .
      @file_get_contents("$work/server.log"));
$base = $m[1];
echo "server: $base\n";

// --- a tiny XML-RPC client: what a billing system without an XML-RPC library sends ------------
function xml_value(mixed $v): string
{
    if (is_int($v))
        return "<int>$v</int>";
    if ($v === null)
        return '<nil/>';
    return '<string>' . htmlspecialchars((string)$v, ENT_XML1) . '</string>';
}

function xmlrpc_body(string $method, array $params): string
{
    $members = '';
    foreach ($params as $k => $v)
        $members .= "<member><name>$k</name><value>" . xml_value($v) . '</value></member>';
    return '<?xml version="1.0"?><methodCall><methodName>' . $method .
           "</methodName><params><param><value><struct>$members</struct></value></param>" .
           '</params></methodCall>';
}

// The members of the answer's top struct that are scalars, by a regular expression (PHP has
// no XML-RPC decoder without php-xml; good enough for the flat answers we read).
function xmlrpc_members(string $xml): array
{
    preg_match_all('~<member>\s*<name>([^<]+)</name>\s*<value>\s*(?:<(i4|int|string|boolean|double)>' .
                   '([^<]*)</\2>|([^<]+))\s*</value>\s*</member>~', $xml, $mm, PREG_SET_ORDER);
    $out = [];
    foreach ($mm as $x)
        $out[$x[1]] ??= html_entity_decode($x[3] !== '' ? $x[3] : ($x[4] ?? ''), ENT_XML1);
    return $out;
}

// One call. ['ok', members, body] / ['fault', code, string] / ['lost', curl error] (no answer at all).
function xmlrpc_call($ch, string $url, string $user, string $pw, string $method,
                     array $params): array
{
    curl_setopt_array($ch, [
        CURLOPT_URL => $url,
        CURLOPT_HTTPAUTH => CURLAUTH_DIGEST,
        CURLOPT_USERPWD => "$user:$pw",
        CURLOPT_POST => true,
        CURLOPT_POSTFIELDS => xmlrpc_body($method, $params),
        CURLOPT_HTTPHEADER => ['Content-Type: text/xml'],
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_TIMEOUT => TIMEOUT_S,
    ]);
    $body = curl_exec($ch);
    if ($body === false)
        return ['lost', curl_errno($ch) . ': ' . curl_error($ch)];
    $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
    if ($status !== 200)
        return ['lost', "HTTP $status"];
    $m = xmlrpc_members($body);
    if (str_contains($body, '<fault>'))
        return ['fault', (int)$m['faultCode'], $m['faultString']];
    return ['ok', $m, $body];
}

// The admin interface: JSON over HTTP with the root's Digest credentials.
function admin($ch, string $method, string $url, string $pw, ?array $body = null,
               array $headers = []): array
{
    curl_setopt_array($ch, [
        CURLOPT_URL => $url,
        CURLOPT_HTTPAUTH => CURLAUTH_DIGEST,
        CURLOPT_USERPWD => "ssp-root:$pw",
        CURLOPT_CUSTOMREQUEST => $method,
        CURLOPT_POSTFIELDS => $body === null ? '' : json_encode($body),
        CURLOPT_HTTPHEADER => array_merge(['Content-Type: application/json'], $headers),
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_TIMEOUT => TIMEOUT_S,
    ]);
    if ($method === 'GET')
        curl_setopt($ch, CURLOPT_HTTPGET, true);
    $out = curl_exec($ch);
    check($out !== false, "$method $url: " . curl_error($ch));
    $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
    check($status === 200, "$method $url: HTTP $status: $out");
    return json_decode($out, true, 512, JSON_THROW_ON_ERROR);
}

// --- the billing side's own logic: create a customer exactly once ----------------------------
// A create whose answer was lost may have been carried out, and curl (hence PHP) sends a POST
// again by itself when a kept-alive connection closes without an answer; so both "no answer"
// and "name already exists" are followed by a look: a customer of that name carrying our
// request's marker (here its email) is ours, and the create is done.
function create_once($ch, string $rpc, string $user, string $pw, array $customer): array
{
    for ($attempt = 1; $attempt <= 3; $attempt++) {
        $r = xmlrpc_call($ch, $rpc, $user, $pw, 'createCustomer', $customer);
        if ($r[0] === 'ok')
            return ['created', (int)$r[1]['i_customer'], $attempt];
        if ($r[0] === 'fault' && $r[1] !== 1010)
            fail("createCustomer: fault $r[1]: $r[2]");
        $why = $r[0] === 'lost' ? "answer lost ($r[1])" : "fault 1010 ($r[2])";
        $look = xmlrpc_call($ch, $rpc, $user, $pw, 'getCustomerInfo', ['name' => $customer['name']]);
        if ($look[0] === 'ok') {
            check(($look[1]['email'] ?? null) === $customer['email'],
                  "a customer named {$customer['name']} exists but is not ours");
            echo "create: attempt $attempt: $why; it landed: i_customer {$look[1]['i_customer']}\n";
            return ['landed', (int)$look[1]['i_customer'], $attempt];
        }
        check($look[0] === 'fault' && $r[0] === 'lost', "lookup after $why: " . json_encode($look));
        echo "create: attempt $attempt: $why; it did not land, trying again\n";
    }
    fail('createCustomer: no answer in 3 attempts');
}

// --- the test ---------------------------------------------------------------------------------
$ns = 'billing-' . getmypid();
$rpc = "$base/ns/$ns/RPC2";               // the path prefix: no header needed
$adm = "$base/ns/$ns/admin";
$ch = curl_init();
$ach = curl_init();

$health = json_decode(file_get_contents("$base/health"), true);
check($health['status'] === 'ok' && $health['admin'] === true, 'health: ' . json_encode($health));

// The namespace starts as the fixtures: the reseller logs in with Digest and sees its two.
$r = xmlrpc_call($ch, $rpc, 'billing-reseller', $reseller_pw, 'getCustomerInfo', ['name' => 'Beta SA']);
check($r[0] === 'ok' && $r[1]['i_customer'] === '4' && $r[1]['i_parent'] === '2',
      'fixture Beta SA: ' . json_encode($r));
echo "fixtures: Beta SA is i_customer 4 below the reseller (2)\n";

$r = xmlrpc_call($ch, $rpc, 'billing-reseller', $reseller_pw, 'createCustomer',
                 ['name' => 'Gamma Ltd', 'web_password' => 'Web-pw-4', 'i_tariff' => null,
                  'email' => 'billing@gamma.example']);
check($r[0] === 'ok' && $r[1]['i_customer'] === '5', 'create Gamma Ltd: ' . json_encode($r));
echo "create: Gamma Ltd is i_customer 5\n";

// The journal of our namespace (the header this time) shows the call, its password masked.
$j = admin($ach, 'GET', "$base/admin/journal?method=createCustomer&outcome=ok", $root_pw, null,
           ["X-Custrpc-Namespace: $ns"]);
check(count($j['entries']) === 1, 'journal: ' . json_encode($j));
$e = $j['entries'][0];
check($e['namespace'] === $ns && $e['login'] === 'billing-reseller' && $e['status'] === 200,
      'journal entry: ' . json_encode($e));
check(str_contains($e['request'], 'Gamma Ltd') && !str_contains($e['request'], 'Web-pw-4'),
      'journal request not masked: ' . $e['request']);
echo "journal: createCustomer by billing-reseller, ok, password masked\n";

// Two answers lost after the create was carried out: ours, and that of curl's own re-send.
$rule = admin($ach, 'POST', "$adm/inject", $root_pw,
              ['method' => 'createCustomer', 'times' => 2, 'transport' => 'drop', 'after' => true]);
check($rule['status'] === 'ok', 'inject: ' . json_encode($rule));
[$how, $id] = create_once($ch, $rpc, 'billing-reseller', $reseller_pw,
                          ['name' => 'Delta AG', 'web_password' => 'Web-pw-5', 'i_tariff' => null,
                           'email' => 'billing@delta.example']);
check($how === 'landed' && $id === 6, "Delta AG: $how $id");

// The journal has the dropped calls, carried out (the create and, when curl re-sent it, the
// duplicate refused; a dropped entry has no response to tell which was which), and the
// reseller's list has one Delta AG.
$j = admin($ach, 'GET', "$adm/journal?method=createCustomer&outcome=http_error", $root_pw);
$dropped = array_filter($j['entries'], fn($e) => ($e['injected']['kind'] ?? '') === 'drop'
                                                  && $e['injected']['carried_out'] === true);
// Two when curl re-sent the create by itself (libcurl does on a reused connection), else one.
check(count($dropped) >= 1 && count($dropped) <= 2, 'dropped entries: ' . json_encode($j));
$r = xmlrpc_call($ch, $rpc, 'billing-reseller', $reseller_pw, 'listCustomers', []);
check($r[0] === 'ok' && substr_count($r[2], '<string>Delta AG</string>') === 1,
      'listCustomers: ' . json_encode($r));
echo 'journal: ', count($dropped), " dropped createCustomer carried out, one Delta AG\n";

// Reset the namespace: our customers go, the next request makes it afresh from the fixtures.
admin($ach, 'POST', "$adm/reset", $root_pw);
$r = xmlrpc_call($ch, $rpc, 'billing-reseller', $reseller_pw, 'getCustomerInfo', ['name' => 'Delta AG']);
check($r[0] === 'fault', 'Delta AG after the reset: ' . json_encode($r));
$r = xmlrpc_call($ch, $rpc, 'billing-reseller', $reseller_pw, 'getCustomerInfo', ['name' => 'Alpha GmbH']);
check($r[0] === 'ok' && $r[1]['i_customer'] === '3', 'Alpha GmbH after the reset: ' . json_encode($r));
$j = admin($ach, 'GET', "$adm/journal?method=createCustomer", $root_pw);
check($j['entries'] === [], 'journal after the reset: ' . json_encode($j));
// GET /admin/inject lists every namespace's rules (each names its own): pick ours.
$rules = admin($ach, 'GET', "$adm/inject", $root_pw)['rules'];
check(array_filter($rules, fn($x) => $x['namespace'] === $ns) === [], 'rules left: ' . json_encode($rules));
echo "reset: Delta AG gone, the fixtures back, the journal and the rules empty\n";

// The default namespace never saw any of it.
$health = json_decode(file_get_contents("$base/health"), true);
check($health['customers'] === 4, 'default namespace: ' . json_encode($health));

proc_terminate($proc, 15);
fclose($pipes[1]);
$deadline = microtime(true) + TIMEOUT_S;
while (($st = proc_get_status($proc))['running'] && microtime(true) < $deadline)
    usleep(50000);
check(!$st['running'] && $st['exitcode'] === 0, 'server exit: ' . json_encode($st));
echo "PASS\n";
