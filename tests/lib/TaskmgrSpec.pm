package TaskmgrSpec;

# Checks API responses against the contract, docs/openapi.yaml, with
# Debian's JSON::Validator (JSON::Validator::Schema::OpenAPIv3).  The
# schema is loaded once per process, on first use.
#
#   use TaskmgrSpec qw(:all);
#   my $r = api(GET => '/api/users/me', undef, {bearer => $t});
#   spec_ok(GET => '/api/users/me', $r);          # one test
#   error_ok($r, 400, 'invalid_field', 'firstName');   # one test, + spec
#
# spec_ok(METHOD, PATH_TEMPLATE, RESPONSE[, NAME]) is one Test::More test
# that fails, listing every problem, when
#   - the operation is not in the spec, or the status is not documented
#     for it;
#   - the documented response has a JSON body and the answer has no
#     Content-Type application/json, or its body is not JSON, or the JSON
#     does not match the schema (the validator's errors are shown);
#   - the documented response has no body (204) and the answer has one;
#   - Cache-Control is not no-store (every API answer must say so).
# Responses of routes the spec does not describe (404 unknown route, 405)
# are checked with schema_ok(RESPONSE, 'Error').
#
# The spec is OpenAPI 3.1 while the validator knows the 3.0 meta-schema,
# so the document itself is not validated against a meta-schema; the
# JSON Schema keywords it uses (type null, const, oneOf, additionalProperties,
# pattern, min/max) are all implemented by the validator's 2019-09 core.
# Coercion is switched off: "5" is not an integer, 1 is not a boolean.

use strict;
use warnings;

use Exporter 'import';
use File::Basename ();
use File::Spec ();
use JSON::PP ();
use Test::More ();

our @EXPORT_OK = qw(spec_ok spec_errors schema_ok schema_errors error_ok
                    error_errors spec json_headers_errors);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

my $SPEC_FILE = $ENV{TASKMGR_OPENAPI}
    // File::Spec->catfile(File::Basename::dirname(File::Spec->rel2abs(__FILE__)),
                           File::Spec->updir, File::Spec->updir, 'docs', 'openapi.yaml');

my $schema;     # JSON::Validator::Schema::OpenAPIv3, built once


sub _resolve_local_ref {
    my ($doc, $ref) = @_;
    die "TaskmgrSpec: only local refs are supported: $ref\n" unless $ref =~ m{^#/};
    my $node = $doc;
    for my $part (split m{/}, substr $ref, 2) {
        $part =~ s/~1/\//g;
        $part =~ s/~0/~/g;
        die "TaskmgrSpec: dangling ref $ref\n" unless ref $node eq 'HASH' && exists $node->{$part};
        $node = $node->{$part};
    }
    return $node;
}


# The validator resolves $ref inside schemas, not a whole response or
# parameter object given by $ref: inline those (one level is what the
# spec uses; loop in case of chains).
sub _inline_object_refs {
    my ($doc) = @_;
    for my $item (values %{ $doc->{paths} || {} }) {
        for my $op (values %$item) {
            next unless ref $op eq 'HASH';
            for my $list ($op->{parameters} || ()) {
                for my $p (@$list) {
                    $p = _resolve_local_ref($doc, $p->{'$ref'}) while ref $p eq 'HASH' && $p->{'$ref'};
                }
            }
            my $responses = $op->{responses} or next;
            for my $status (keys %$responses) {
                my $resp = $responses->{$status};
                $resp = _resolve_local_ref($doc, $resp->{'$ref'}) while ref $resp eq 'HASH' && $resp->{'$ref'};
                $responses->{$status} = $resp;
            }
        }
    }
    return $doc;
}


sub spec {
    return $schema if $schema;
    require YAML::XS;
    require JSON::Validator::Schema::OpenAPIv3;
    # true/false must be booleans, not 1/"" (additionalProperties: false)
    my $doc = do {
        no warnings 'once';
        local $YAML::XS::Boolean = 'JSON::PP';
        YAML::XS::LoadFile($SPEC_FILE);
    };
    die "TaskmgrSpec: $SPEC_FILE has no paths\n" unless ref $doc eq 'HASH' && $doc->{paths};
    _inline_object_refs($doc);
    $schema = JSON::Validator::Schema::OpenAPIv3->new($doc);
    $schema->coerce({});    # strict: no "5" for 5, no 1 for true
    return $schema;
}


sub _header {
    my ($r, $name) = @_;
    my $v = $r->{headers}{ lc $name };
    return ref $v eq 'ARRAY' ? join(', ', @$v) : $v;
}


# Problems common to every API answer: Cache-Control no-store, and a JSON
# Content-Type when there is a body.
sub json_headers_errors {
    my ($r) = @_;
    my @e;
    my $cc = _header($r, 'Cache-Control');
    push @e, 'Cache-Control is ' . (defined $cc ? "'$cc'" : 'missing') . ', expected no-store'
        unless defined $cc && $cc =~ /(?:^|,)\s*no-store\s*(?:,|$)/i;
    if (length $r->{raw}) {
        my $ct = _header($r, 'Content-Type');
        push @e, 'Content-Type is ' . (defined $ct ? "'$ct'" : 'missing') . ', expected application/json'
            unless defined $ct && $ct =~ m{^application/json\s*(?:;|$)}i;
        push @e, "body is not JSON: " . ($r->{json_error} // 'not decoded') . ': ' . _excerpt($r->{raw})
            if defined $ct && $ct =~ m{^application/json}i && !defined $r->{json};
    }
    return @e;
}


sub _excerpt {
    my ($s) = @_;
    $s //= '';
    $s = substr($s, 0, 300) . '...' if length $s > 300;
    $s =~ s/([^\x20-\x7e])/sprintf '\\x%02x', ord $1/ge;
    return "'$s'";
}


sub _validate_body {
    my ($r, $json_schema) = @_;
    my $s = spec();
    return map {"$_"} $s->validate($r->{json}, $json_schema);
}


# The problems with this response for METHOD PATH_TEMPLATE; () if none.
sub spec_errors {
    my ($method, $path, $r) = @_;
    my $s = spec();
    my $m = lc $method;
    my @e;

    return ("no response: status $r->{status}: " . _excerpt($r->{raw})) if $r->{status} == 599;

    my $op = $s->get([paths => $path, $m]);
    return ("the spec has no operation " . uc($m) . " $path") unless ref $op eq 'HASH';

    my $status = $r->{status};
    my $responses = $op->{responses} || {};
    my $resp = $responses->{$status} // $responses->{default};
    unless ($resp) {
        return ("status $status is not documented for " . uc($m) . " $path (documented: "
            . join(', ', sort keys %$responses) . '); body: ' . _excerpt($r->{raw}));
    }

    push @e, json_headers_errors($r);

    my $content = $resp->{content};
    if ($content && %$content) {
        my $ct = _header($r, 'Content-Type') // '';
        my ($media) = grep { index(lc $ct, lc $_) == 0 } sort keys %$content;
        if (!length $r->{raw}) {
            push @e, "empty body, expected " . join(' or ', sort keys %$content);
        } elsif (!$media) {
            # json_headers_errors already said it; nothing to validate
        } elsif (defined $r->{json} || ($r->{raw} =~ /^\s*null\s*$/)) {
            my $schema_node = $content->{$media}{schema};
            push @e, map {"body$_"} map { s/^\s*//r } _validate_body($r, $schema_node) if $schema_node;
        }
    } else {
        push @e, "status $status documents no body, got " . _excerpt($r->{raw}) if length $r->{raw};
    }

    # documented response headers that are present must match their schema
    for my $h (sort keys %{ $resp->{headers} || {} }) {
        my $v = $r->{headers}{ lc $h };
        next unless defined $v;
        my $hs = $resp->{headers}{$h}{schema} or next;
        for my $one (ref $v eq 'ARRAY' ? @$v : $v) {
            push @e, map {"header $h$_"} map {"$_"} $s->validate($one, $hs);
        }
    }
    return @e;
}


sub _name {
    my ($method, $path, $r, $name) = @_;
    return $name // sprintf '%s %s -> %s matches the spec', uc $method, $path, $r->{status};
}


sub spec_ok {
    my ($method, $path, $r, $name) = @_;
    my @e = spec_errors($method, $path, $r);
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $ok = Test::More::ok(!@e, _name($method, $path, $r, $name));
    Test::More::diag(join "\n", map {"  $_"} @e) if @e;
    return $ok;
}


# A body against a named schema of components/schemas (for answers the
# spec does not describe as an operation: unknown routes, 405), plus the
# common header checks.
sub schema_errors {
    my ($r, $name) = @_;
    my $s = spec();
    my $node = $s->get([components => schemas => $name]);
    die "TaskmgrSpec: no schema components/schemas/$name\n" unless $node;
    return ("no response: status $r->{status}: " . _excerpt($r->{raw})) if $r->{status} == 599;
    my @e = json_headers_errors($r);
    if (!length $r->{raw}) {
        push @e, 'empty body, expected JSON';
    } elsif (defined $r->{json}) {
        push @e, map {"body$_"} map { s/^\s*//r } _validate_body($r, $node);
    }
    return @e;
}


sub schema_ok {
    my ($r, $name, $test_name) = @_;
    my @e = schema_errors($r, $name);
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $ok = Test::More::ok(!@e, $test_name // "status $r->{status} body is a valid $name");
    Test::More::diag(join "\n", map {"  $_"} @e) if @e;
    return $ok;
}


# An error answer: status, error.code, and error.field (undef: any or
# none; '' : must be absent).
sub error_errors {
    my ($r, $status, $code, $field) = @_;
    my @e;
    push @e, "status $r->{status}, expected $status" if $r->{status} != $status;
    my $err = ref $r->{json} eq 'HASH' ? $r->{json}{error} : undef;
    if (ref $err ne 'HASH') {
        push @e, 'no {"error": {...}} body: ' . _excerpt($r->{raw});
        return @e;
    }
    push @e, 'error.code is ' . ($err->{code} // 'missing') . ", expected $code"
        if defined $code && ($err->{code} // '') ne $code;
    if (defined $field) {
        if ($field eq '') {
            push @e, "error.field is $err->{field}, expected none" if defined $err->{field};
        } elsif (($err->{field} // '') ne $field) {
            push @e, 'error.field is ' . ($err->{field} // 'missing') . ", expected $field";
        }
    }
    push @e, 'error.message is empty' unless defined $err->{message} && length $err->{message};
    return @e;
}


# One test: the response is the expected error.  With METHOD/PATH (as
# spec_ok) it is also checked against the spec in the same test.
sub error_ok {
    my ($r, $status, $code, $field, $name, $method, $path) = @_;
    my @e = error_errors($r, $status, $code, $field);
    push @e, $method ? spec_errors($method, $path, $r) : schema_errors($r, 'Error');
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $ok = Test::More::ok(!@e, $name // "$status $code" . (defined $field && length $field ? " ($field)" : ''));
    if (@e) {
        Test::More::diag(join "\n", map {"  $_"} @e);
        Test::More::diag("  got: $r->{status} " . _excerpt($r->{raw}));
    }
    return $ok;
}

1;
