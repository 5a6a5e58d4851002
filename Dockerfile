# MoH e-office / online public services: the official Odoo 19.0 image plus our addons,
# the moh_core package and the Python stack pyHanko needs.
FROM odoo:19.0

USER root

# Fonts for the generated PDFs (Liberation is metric-compatible with Times New Roman, Noto covers
# Vietnamese), SoftHSM as a software PKCS#11 token for signing, poppler-utils to inspect PDFs.
# odoo joins the softhsm group so it can read SoftHSM's default config and token directory.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        fonts-liberation2 fonts-noto-core softhsm2 poppler-utils \
    && rm -rf /var/lib/apt/lists/* \
    && if getent group softhsm >/dev/null; then usermod -aG softhsm odoo; fi

# pip (root, Debian's python3 3.12) installs into /usr/local/lib/python3.12/dist-packages, which
# precedes Debian's /usr/lib/python3/dist-packages on sys.path: lxml 5.4 and cryptography 50 (needed
# by pyHanko) shadow Debian's older copies without removing them. pyOpenSSL 26.4 is the release that
# works with cryptography 50 (Odoo imports OpenSSL); holidays needs python-dateutil >= 2.9.0.post0.
# moh_core is installed from a copy, not editable; the -e line of requirements.txt is for checkouts.
COPY requirements.txt requirements-oca.txt /tmp/moh/
COPY moh_core /tmp/moh/moh_core
RUN grep -v '^-e' /tmp/moh/requirements.txt > /tmp/moh/req.txt \
    && pip3 install --no-cache-dir --break-system-packages --root-user-action=ignore \
        -r /tmp/moh/req.txt \
        /tmp/moh/moh_core \
        pyopenssl==26.4.0 \
        python-dateutil==2.9.0.post0 \
    && pip3 install --no-cache-dir --break-system-packages --root-user-action=ignore --no-deps \
        -r /tmp/moh/requirements-oca.txt \
    && rm -rf /tmp/moh \
    && python3 -c "import cryptography, lxml.etree, OpenSSL, pyhanko, holidays, moh_core; \
assert cryptography.__version__.startswith('50.'), cryptography.__version__; \
assert lxml.etree.LXML_VERSION[:2] == (5, 4), lxml.etree.LXML_VERSION"

# The image's entrypoint (/entrypoint.sh) runs any command that is not "odoo" or an option as is,
# so docker-start.sh does its own database wait and passes connection settings itself.
COPY --chown=odoo config/odoo.docker.conf /etc/odoo/odoo.conf
COPY --chown=odoo addons /mnt/extra-addons
COPY scripts/docker-start.sh /usr/local/bin/docker-start.sh
RUN chmod 0755 /usr/local/bin/docker-start.sh

USER odoo

CMD ["docker-start.sh"]
